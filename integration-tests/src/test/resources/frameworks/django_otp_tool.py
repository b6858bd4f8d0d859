"""django-otp itself, against a test database: what a Django application with django-otp does to its users' second
factor. Run by DjangoOtpTool (integration tests) with Debian's python3-django, python3-django-otp, python3-psycopg2
and python3-mysqldb. The database comes from the environment (DB_ENGINE postgresql|mysql, DB_NAME, DB_HOST, DB_PORT,
DB_USER, DB_PASSWORD); the command from argv:

  migrate                       Django's own migrations: auth_user and django-otp's tables
  user USERNAME EMAIL PASSWORD  a user, as createuser makes one (Django's own password hasher)
  enroll USERNAME               a confirmed TOTP device (prints its hex key) and a static device with 3 backup codes
                                (prints them), as django-otp's admin and two_factor setups make them
  tokens USERNAME               the TOTP device's codes for this step and the next, as its own TOTP computes them
  verify USERNAME TOKEN         django_otp.match_token: prints yes (and uses the token up) or no
"""
import os
import sys

import django
from django.conf import settings

engine = os.environ['DB_ENGINE']
settings.configure(
    INSTALLED_APPS=['django.contrib.auth', 'django.contrib.contenttypes', 'django_otp',
                    'django_otp.plugins.otp_totp', 'django_otp.plugins.otp_static'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.' + engine, 'NAME': os.environ['DB_NAME'],
                           'HOST': os.environ['DB_HOST'], 'PORT': os.environ['DB_PORT'],
                           'USER': os.environ['DB_USER'], 'PASSWORD': os.environ.get('DB_PASSWORD', '')}},
    USE_TZ=True, SECRET_KEY='tests-only', DEFAULT_AUTO_FIELD='django.db.models.AutoField')
django.setup()

import time  # noqa: E402

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_otp import match_token  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

command, args = sys.argv[1], sys.argv[2:]
if command == 'migrate':
    call_command('migrate', verbosity=0)
elif command == 'user':
    User.objects.create_user(args[0], args[1], args[2], first_name=args[0].title(), last_name='Lovelace')
elif command == 'enroll':
    user = User.objects.get(username=args[0])
    device = TOTPDevice.objects.create(user=user, name='default', confirmed=True)
    backup = StaticDevice.objects.create(user=user, name='backup', confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(3)]
    for token in tokens:
        backup.token_set.create(token=token)
    print(device.key)
    print(' '.join(tokens))
elif command == 'tokens':
    device = TOTPDevice.objects.get(user__username=args[0])
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    codes = []
    for offset in (0, 1):
        totp.time = now + offset * device.step
        codes.append(str(totp.token()).zfill(device.digits))
    print(' '.join(codes))
elif command == 'verify':
    user = User.objects.get(username=args[0])
    print('yes' if match_token(user, args[1]) is not None else 'no')
else:
    sys.exit('unknown command ' + command)
