"""Snapshot, moved from planner: same table (planner_snapshot)."""

import django.db.models.deletion
from django.db import migrations, models


MODELS = ('snapshot',)


def rename_content_types(apps, schema_editor):
    """Keep the content-type rows (and so permissions and admin history) of the moved models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not content_type.objects.using(db).filter(app_label="scoring", model=model).exists():
            content_type.objects.using(db).filter(app_label="planner", model=model).update(
                app_label="scoring"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('planner', '0004_move_models_to_rooms'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Snapshot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('taken_at', models.DateTimeField(db_index=True)),
                        ('divergence', models.FloatField()),
                        ('readiness', models.PositiveSmallIntegerField()),
                        ('priority_divergence', models.FloatField(default=0.0)),
                        ('tailoring', models.FloatField(default=0.0)),
                        ('members', models.PositiveSmallIntegerField(default=0)),
                        ('document', models.JSONField(default=dict)),
                        ('fingerprint', models.CharField(blank=True, max_length=64)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='planner.buyinggroup')),
                    ],
                    options={
                        'db_table': 'planner_snapshot',
                        'ordering': ['-taken_at', '-pk'],
                        'indexes': [models.Index(fields=['group', '-taken_at'], name='planner_sna_group_i_8bc38a_idx')],
                    },
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
