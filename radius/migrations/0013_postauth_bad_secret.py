# A login refused because the router's shared secret is wrong (its PAP password decodes to garbage):
# the router's fault, recorded as bad_secret, not as the subscriber's password_wrong (issue #51).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('radius', '0012_router_clients_notify_message_authenticator'),
    ]

    operations = [
        migrations.AlterField(
            model_name='authattempt',
            name='reason',
            field=models.CharField(blank=True, choices=[('', 'Accepted'), ('unknown_user', 'No such login on this router'), ('password_wrong', 'Password wrong'), ('no_password', 'No password set'), ('suspended', 'Suspended'), ('expired', 'Expired (paid-through date passed)'), ('not_active', 'Not activated yet'), ('already_online', 'Already online'), ('server_error', 'RADIUS could not read the database'), ('bad_secret', 'Wrong shared secret on the router (the password could not be read)'), ('wrong_service', 'Login is for the other service (PPPoE or hotspot)'), ('card_unknown', 'No such login or card code'), ('mac_unknown', 'No card remembers this device'), ('card_used_up', 'Card used up'), ('card_expired', 'Card expired'), ('card_blocked', 'Card blocked'), ('card_cancelled', 'Card cancelled'), ('card_batch_stopped', "Card's batch suspended or cancelled"), ('card_not_issued', 'Card not issued for sale'), ('card_devices', 'Card in use on as many devices as it allows'), ('locked_out', 'Locked out after too many wrong codes')], max_length=32),
        ),
    ]
