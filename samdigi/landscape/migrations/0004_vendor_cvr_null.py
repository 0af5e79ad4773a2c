"""A vendor without a CVR number has NULL, never "" (the unique index takes any number of NULLs but
one ""); and the staged-import record that holds a large import's state and progress."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def blank_cvr_to_null(apps, schema_editor):
    Vendor = apps.get_model("landscape", "Vendor")
    Vendor.objects.filter(cvr="").update(cvr=None)


class Migration(migrations.Migration):

    dependencies = [
        ('landscape', '0003_end_of_month_dates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(blank_cvr_to_null, migrations.RunPython.noop),
        migrations.CreateModel(
            name='StagedImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.CharField(max_length=80, unique=True)),
                ('kind', models.CharField(max_length=20)),
                ('create_missing', models.BooleanField(default=False)),
                ('language', models.CharField(default='da', max_length=10)),
                ('file_name', models.CharField(blank=True, max_length=200)),
                ('original_name', models.CharField(blank=True, max_length=255)),
                ('row_count', models.PositiveIntegerField(default=0)),
                ('background', models.BooleanField(default=False)),
                ('status', models.CharField(choices=[('staged', 'file uploaded'), ('checking', 'checking the file'), ('previewed', 'checked, waiting for your confirmation'), ('importing', 'saving the rows'), ('done', 'all rows saved'), ('failed', 'nothing saved'), ('cancelled', 'import cancelled')], default='staged', max_length=20)),
                ('progress_done', models.PositiveIntegerField(default=0)),
                ('progress_total', models.PositiveIntegerField(default=0)),
                ('result', models.JSONField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'staged import',
                'verbose_name_plural': 'staged imports',
            },
        ),
        migrations.AddField(
            model_name='stagedimport',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
