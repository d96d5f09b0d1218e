"""PlannedSend, moved from planner: same tables (planner_plannedsend...)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ('plannedsend',)


def rename_content_types(apps, schema_editor):
    """Keep the content-type rows (and so permissions and admin history) of the moved models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not content_type.objects.using(db).filter(app_label="suggestions", model=model).exists():
            content_type.objects.using(db).filter(app_label="planner", model=model).update(
                app_label="suggestions"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('content', '0003_asset_file_glossary'),
        ('planner', '0004_move_models_to_rooms'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='PlannedSend',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reasons', models.JSONField(blank=True, default=list)),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('sent', 'Sent'), ('cancelled', 'Cancelled')], default='planned', max_length=10)),
                        ('divergence_before', models.FloatField(blank=True, null=True)),
                        ('divergence_after', models.FloatField(blank=True, null=True)),
                        ('readiness_before', models.SmallIntegerField(blank=True, null=True)),
                        ('readiness_after', models.SmallIntegerField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('message_key', models.CharField(blank=True, max_length=40)),
                        ('asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='content.asset')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='planned_sends', to='planner.buyinggroup')),
                        ('recipients', models.ManyToManyField(related_name='planned_sends', to='planner.stakeholder')),
                        ('send_first', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='planner.stakeholder')),
                    ],
                    options={
                        'db_table': 'planner_plannedsend',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
