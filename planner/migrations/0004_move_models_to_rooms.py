"""Snapshot, PlannedSend and the kit models now belong to scoring, suggestions and kits."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('planner', '0003_consensuskit_kitdownload_kitshare_kitview_and_more'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The tables stay where they are: only Django's idea of which app owns them moves.
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='kitdownload',
                    name='kit',
                ),
                migrations.RemoveField(
                    model_name='kitshare',
                    name='kit',
                ),
                migrations.RemoveField(
                    model_name='kitdownload',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='kitshare',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='kitview',
                    name='share',
                ),
                migrations.RemoveField(
                    model_name='plannedsend',
                    name='asset',
                ),
                migrations.RemoveField(
                    model_name='plannedsend',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='plannedsend',
                    name='group',
                ),
                migrations.RemoveField(
                    model_name='plannedsend',
                    name='recipients',
                ),
                migrations.RemoveField(
                    model_name='plannedsend',
                    name='send_first',
                ),
                migrations.RemoveField(
                    model_name='snapshot',
                    name='group',
                ),
                migrations.DeleteModel(
                    name='ConsensusKit',
                ),
                migrations.DeleteModel(
                    name='KitDownload',
                ),
                migrations.DeleteModel(
                    name='KitShare',
                ),
                migrations.DeleteModel(
                    name='KitView',
                ),
                migrations.DeleteModel(
                    name='PlannedSend',
                ),
                migrations.DeleteModel(
                    name='Snapshot',
                ),
            ],
        ),
    ]
