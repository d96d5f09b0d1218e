"""The kit models, moved from planner: same tables (planner_consensuskit...)."""

import django.db.models.deletion
import kits.models
from django.conf import settings
from django.db import migrations, models


MODELS = ('consensuskit', 'kitdownload', 'kitshare', 'kitview')


def rename_content_types(apps, schema_editor):
    """Keep the content-type rows (and so permissions and admin history) of the moved models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not content_type.objects.using(db).filter(app_label="kits", model=model).exists():
            content_type.objects.using(db).filter(app_label="planner", model=model).update(
                app_label="kits"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('planner', '0004_move_models_to_rooms'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ConsensusKit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField()),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('building', 'Building'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=10)),
                        ('progress', models.PositiveSmallIntegerField(default=0)),
                        ('step', models.CharField(blank=True, max_length=80)),
                        ('problem_statement', models.TextField()),
                        ('assets', models.JSONField(default=list)),
                        ('plan', models.JSONField(default=list)),
                        ('document', models.JSONField(blank=True, default=dict)),
                        ('pdf', models.FileField(blank=True, upload_to=kits.models.kit_upload_to)),
                        ('zip', models.FileField(blank=True, upload_to=kits.models.kit_upload_to)),
                        ('error', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('built_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kits', to='planner.buyinggroup')),
                    ],
                    options={
                        'db_table': 'planner_consensuskit',
                        'ordering': ['-version'],
                    },
                ),
                migrations.CreateModel(
                    name='KitDownload',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('format', models.CharField(max_length=4)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('kit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='downloads', to='kits.consensuskit')),
                        ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'planner_kitdownload',
                        'ordering': ['-at'],
                    },
                ),
                migrations.CreateModel(
                    name='KitShare',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('nonce', models.CharField(max_length=32, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('views', models.PositiveIntegerField(default=0)),
                        ('first_viewed_at', models.DateTimeField(blank=True, null=True)),
                        ('last_viewed_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('kit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shares', to='kits.consensuskit')),
                    ],
                    options={
                        'db_table': 'planner_kitshare',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='KitView',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('share', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='view_log', to='kits.kitshare')),
                    ],
                    options={
                        'db_table': 'planner_kitview',
                        'ordering': ['-at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='consensuskit',
                    constraint=models.UniqueConstraint(fields=('group', 'version'), name='kit_version_per_group'),
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, migrations.RunPython.noop),
    ]
