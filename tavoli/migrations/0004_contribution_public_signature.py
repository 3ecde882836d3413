"""A contribution's author name is public only when its person chose so (``signed_publicly``),
and a body that is not registered gets a field of its own (``body_name``) instead of being
appended to the signature.

Existing rows: a name is public only where the person explicitly signed. The redazione recorded
the contributions made at tables and meetings with the name "as the person asked to be cited"
(the form's help), so those keep showing it. The online form used to fill the signature with
the account's full name, so a stored online signature does not show a choice: those names stay
stored, seen by the redazione only."""

from django.db import migrations, models


def publish_explicit_signatures(apps, schema_editor):
    Contribution = apps.get_model("tavoli", "Contribution")
    Contribution.objects.filter(channel="table").exclude(author_name="").update(
        signed_publicly=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('tavoli', '0003_online_contributions_moderation_comments'),
    ]

    operations = [
        migrations.AddField(
            model_name='contribution',
            name='body_name',
            field=models.CharField(blank=True, help_text="L'ente per cui parla chi l'ha presentato, se non è tra gli enti registrati.", max_length=200, verbose_name='ente indicato'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='signed_publicly',
            field=models.BooleanField(default=False, help_text="Chi l'ha presentato ha scelto di comparire con il suo nome: il nome si vede sul sito e nei dati aperti. Senza la spunta il nome resta noto solo alla redazione.", verbose_name='firma pubblica'),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='body_name',
            field=models.CharField(blank=True, help_text="L'ente per cui parla chi l'ha presentato, se non è tra gli enti registrati.", max_length=200, verbose_name='ente indicato'),
        ),
        migrations.AddField(
            model_name='historicalcontribution',
            name='signed_publicly',
            field=models.BooleanField(default=False, help_text="Chi l'ha presentato ha scelto di comparire con il suo nome: il nome si vede sul sito e nei dati aperti. Senza la spunta il nome resta noto solo alla redazione.", verbose_name='firma pubblica'),
        ),
        migrations.RunPython(publish_explicit_signatures, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('signed_publicly', False), models.Q(('author_name', ''), _negated=True), _connector='OR'), name='contribution_signature_has_a_name', violation_error_message='Per firmare pubblicamente serve un nome.'),
        ),
    ]
