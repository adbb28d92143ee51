"""django-otp's TOTP device admin, answering 404 for a device that does not exist.

Its QR code and configuration views look the device up with `objects.get`, so an unknown id
raised `DoesNotExist` (a 500). With `OTP_ADMIN_HIDE_SENSITIVE_DATA` they refuse everyone anyway;
the lookup comes first so that an unknown id is a 404 whatever the setting.
"""

from django.contrib import admin
from django.http import Http404
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice


class DeviceAdmin(TOTPDeviceAdmin):
    def _device_or_404(self, request, pk):
        if self.get_object(request, str(pk)) is None:
            raise Http404("No such TOTP device.")

    def config_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request, pk):
        self._device_or_404(request, pk)
        return super().qrcode_view(request, pk)


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, DeviceAdmin)
