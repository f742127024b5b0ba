"""The audit log's filter form: read from the query string (a GET form, so no CSRF token)."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app.api.ids import id_from_text
from app.audit_log.display import object_type_label
from app.audit_log.queries import AuditFilters, minute_range


class MinuteField(DateTimeLocalField):
    """A date and time to the minute, as a datetime-local input sends it (a space for the T, and
    seconds, are accepted too), with a message that shows the expected form."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"], **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter a date and time, such as 2026-05-01 09:30.")) from error


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    user = StringField(_l("User"))
    object_type = SelectField(_l("Object type"), default="")
    object_id = StringField(_l("Object ID"))
    action = StringField(_l("Action"))
    start = MinuteField(_l("From"))
    end = MinuteField(_l("To"))

    def prepare(self, object_types: list[str]) -> AuditFilterForm:
        self.object_type.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(kind, object_type_label(kind)) for kind in object_types
        ]
        return self

    def validate_object_id(self, field) -> None:
        text = (field.data or "").strip()
        if text and id_from_text(text) is None:
            raise ValidationError(_("Enter the object's number, such as 42."))

    def validate_end(self, field) -> None:
        if field.data is not None and self.start.data is not None and field.data < self.start.data:
            raise ValidationError(_("“To” is before “From”."))

    def filled_args(self, args: Mapping[str, str]) -> dict[str, str]:
        """The query arguments that are this form's filled-in filters (no paging): the export's link."""
        return {name: value for name, value in args.items() if name in self._fields and value}

    def to_filters(self, zone: ZoneInfo) -> AuditFilters:
        """The filters of a validated form; times are read in `zone`, the zone the page shows."""
        since, before = minute_range(self.start.data, self.end.data, zone)
        return AuditFilters(
            user=self.user.data or None,
            object_type=self.object_type.data or None,
            object_id=id_from_text(self.object_id.data),
            action=self.action.data or None,
            since=since,
            before=before,
        )
