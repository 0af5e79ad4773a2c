"""Importers for vendors, systems, usages and contracts.

Headers are matched without regard to case, spaces or punctuation. Besides samdigi's own column
names (Danish or English, exactly as the exports write them), the headers of the common municipal
IT-overview export are accepted; the README lists them.
"""

import re

from django.db.models import Q
from django.utils.translation import gettext as _

from samdigi.core.access import scope_for
from samdigi.core.imports import Importer
from samdigi.landscape import forms, tables
from samdigi.landscape.models import Contract, ItSystem, KleClass, SystemUsage, Vendor
from samdigi.landscape.rules.cvr import is_valid_cvr
from samdigi.organizations.models import Association, Municipality, Unit


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text or "") if part.strip()]


class LandscapeImporter(Importer):
    def context(self):
        from samdigi.landscape.models import remembered_lead_times

        return remembered_lead_times()

    def cached(self, kind, text, lookup):
        """Look a cell's value up once per run: a file names the same few municipalities and
        vendors thousands of times."""
        cache = self.__dict__.setdefault("_cache", {})
        key = (kind, text.strip().lower())
        if key not in cache:
            cache[key] = lookup(text)
        return cache[key]

    def resolve_municipality(self, text):
        return self.cached("municipality", text, self._resolve_municipality)

    def _resolve_municipality(self, text):
        text = text.strip()
        if not text:
            return ""
        found = Municipality.objects.filter(
            Q(code=text.zfill(3)) | Q(name__iexact=text.removesuffix(" Kommune"))
        ).first()
        if found is None:
            raise ValueError(
                _("unknown municipality “%(text)s” (give its name or 3-digit code)")
                % {"text": text}
            )
        return found.pk

    def resolve_owner(self, text):
        return self.resolve_municipality(text)

    def resolve_vendor(self, text):
        return self.cached("vendor", text, self._resolve_vendor)

    def _resolve_vendor(self, text):
        text = text.strip()
        if not text:
            return ""
        digits = re.sub(r"\D", "", text)
        query = Q(name__iexact=text)
        if len(digits) == 8:
            query |= Q(cvr=digits)
        vendor = Vendor.objects.filter(query).first()
        if vendor is None:
            if not self.create_missing:
                raise ValueError(
                    _(
                        "unknown vendor “%(text)s”; tick “create unknown vendors and systems” to create it"
                    )
                    % {"text": text}
                )
            vendor = Vendor.objects.create(
                name=text,
                cvr=digits if len(digits) == 8 and is_valid_cvr(digits) else None,
                created_by=self.user,
                updated_by=self.user,
            )
        return vendor.pk

    def catalogue(self):
        return ItSystem.objects.visible_to(self.user)

    def find_system(self, name):
        name = name.strip()
        exact = self.catalogue().filter(name__iexact=name).first()
        return exact or self.catalogue().filter(previous_names__icontains=name).first()

    def resolve_system(self, text):
        return self.cached("system", text, self._resolve_system)

    def _resolve_system(self, text):
        if not text.strip():
            return ""
        system = self.find_system(text)
        if system is None:
            if not self.create_missing:
                raise ValueError(
                    _(
                        "unknown IT system “%(text)s”; tick “create unknown vendors and systems” to create it"
                    )
                    % {"text": text}
                )
            editable = scope_for(self.user).associations_edited_through_members()
            owner = Association.objects.filter(pk__in=editable).order_by("pk").first()
            if owner is None:
                raise ValueError(_("you may not add systems to any catalogue"))
            system = ItSystem.objects.create(
                owner=owner, name=text.strip(), created_by=self.user, updated_by=self.user
            )
        return system.pk

    def resolve_systems(self, text):
        return [self.resolve_system(name) for name in split_list(text)]


class VendorImporter(LandscapeImporter):
    model = Vendor
    form_class = forms.VendorForm
    table_class = tables.VendorTable
    columns = {
        "name": ("leverandør", "leverandørnavn", "vendor", "supplier", "firmanavn"),
        "cvr": ("cvr", "cvr nr", "cvr-nummer", "cvrnr"),
        "foreign": ("udenlandsk",),
        "contact_name": ("kontakt", "kontaktperson"),
        "contact_email": ("email", "e-mail", "kontakt e-mail"),
        "phone": ("telefon", "tlf"),
        "website": ("hjemmeside", "web"),
    }
    required_columns = ("name",)

    def prepare(self, rows, mapping):
        # Vendors are few (thousands at national scale) and every row looks one up: load them
        # once instead of one or two queries per row.
        self._by_cvr, self._by_name, self._keys = {}, {}, {}
        for vendor in Vendor.objects.order_by("name", "pk"):
            self.remember(vendor)

    def remember(self, vendor):
        old_cvr, old_name = self._keys.get(vendor.pk, (None, None))
        if old_cvr and getattr(self._by_cvr.get(old_cvr), "pk", None) == vendor.pk:
            self._by_cvr.pop(old_cvr, None)
        if old_name and getattr(self._by_name.get(old_name), "pk", None) == vendor.pk:
            self._by_name.pop(old_name, None)
        name = vendor.name.strip().lower()
        if vendor.cvr:
            self._by_cvr[vendor.cvr] = vendor
        self._by_name.setdefault(name, vendor)
        self._keys[vendor.pk] = (vendor.cvr, name)

    def find_existing(self, data):
        digits = re.sub(r"\D", "", str(data.get("cvr") or ""))
        if len(digits) == 8 and digits in self._by_cvr:
            return self._by_cvr[digits]
        return self._by_name.get(str(data.get("name", "")).strip().lower())

    def resolve_vendor(self, text):  # a vendor row names itself, not another vendor
        return text


class ItSystemImporter(LandscapeImporter):
    model = ItSystem
    form_class = forms.ItSystemForm
    table_class = tables.ItSystemTable
    columns = {
        "owner": ("fællesskab", "association", "katalog"),
        "name": ("systemnavn", "it-system", "it system", "system"),
        "previous_names": ("tidligere navne",),
        "description": ("beskrivelse",),
        "vendor": ("leverandør", "rettighedshaver"),
        "kle": ("kle", "kle-numre", "opgaveområde", "kle opgaver"),
        "category": ("kategori", "systemkategori"),
        "licence_model": ("licensmodel", "licenstype"),
        "lifecycle": ("livscyklus", "status"),
    }
    required_columns = ("name",)

    def resolve_owner(self, text):
        text = text.strip()
        editable = scope_for(self.user).associations_edited_through_members()
        if not text:
            owner = Association.objects.filter(pk__in=editable).order_by("pk").first()
            return owner.pk if owner else ""
        owner = Association.objects.filter(
            Q(name__iexact=text) | Q(short_name__iexact=text)
        ).first()
        if owner is None:
            raise ValueError(_("unknown association “%(text)s”") % {"text": text})
        return owner.pk

    def resolve_kle(self, text):
        numbers = [part.split()[0] for part in split_list(text)]
        found = dict(KleClass.objects.filter(number__in=numbers).values_list("number", "pk"))
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValueError(
                _("unknown KLE number(s): %(numbers)s") % {"numbers": ", ".join(missing)}
            )
        return [found[n] for n in numbers]

    def find_existing(self, data):
        if not data.get("owner"):
            return None
        return ItSystem.objects.filter(
            owner_id=data["owner"], name__iexact=str(data.get("name", "")).strip()
        ).first()


class SystemUsageImporter(LandscapeImporter):
    model = SystemUsage
    form_class = forms.SystemUsageForm
    table_class = tables.SystemUsageTable
    columns = {
        "owner": ("kommune", "municipality", "organisation"),
        "system": ("it-system", "systemnavn", "system", "it system"),
        "local_name": ("lokalt navn", "lokalt systemnavn"),
        "lifecycle": ("livscyklus", "status", "anvendelsesstatus"),
        "user_count": ("antal brugere", "brugere"),
        "responsible_unit": ("ansvarlig enhed", "ansvarlig organisationsenhed", "enhed"),
        "business_critical": ("forretningskritisk",),
        "main_contract": ("hovedkontrakt", "kontrakt"),
        "notes": ("noter", "bemærkninger", "note"),
        "internal": ("intern",),
    }
    required_columns = ("owner", "system")

    def resolve_responsible_unit(self, text):
        if not text.strip():
            return ""
        unit = (
            Unit.objects.visible_to(self.user)
            .filter(owner_id=self.current.get("owner"), name__iexact=text.strip())
            .first()
        )
        if unit is None:
            raise ValueError(_("the municipality has no unit called “%(text)s”") % {"text": text})
        return unit.pk

    def resolve_main_contract(self, text):
        if not text.strip():
            return ""
        contract = (
            Contract.objects.visible_to(self.user)
            .filter(
                Q(name__iexact=text.strip()) | Q(contract_number__iexact=text.strip()),
                owner_id=self.current.get("owner"),
            )
            .first()
        )
        if contract is None:
            raise ValueError(
                _("the municipality has no contract called “%(text)s”") % {"text": text}
            )
        return contract.pk

    def find_existing(self, data):
        if not data.get("owner") or not data.get("system"):
            return None
        return SystemUsage.objects.filter(owner_id=data["owner"], system_id=data["system"]).first()


class ContractImporter(LandscapeImporter):
    model = Contract
    form_class = forms.ContractForm
    table_class = tables.ContractTable
    columns = {
        "owner": ("kommune", "municipality", "organisation", "ansvarlig organisation"),
        "co_owners": ("medunderskrivere", "øvrige kommuner"),
        "name": ("kontraktnavn", "kontrakt", "navn"),
        "contract_number": ("kontrakt id", "kontraktnummer", "kontraktnr", "kontrakt-id"),
        "vendor": ("leverandør", "leverandørnavn", "supplier"),
        "systems": ("it-systemer", "systemer", "it systemer", "tilknyttede systemer"),
        "contract_type": ("kontrakttype", "type"),
        "procurement_form": ("udbudsform", "anskaffelsesform", "indkøbsform"),
        "concluded": ("indgået", "kontrakt indgået", "underskrevet"),
        "valid_from": ("gyldig fra", "ikrafttrædelse"),
        "expiration": ("udløbsdato", "gyldig til", "udløber"),
        "irrevocable_until": ("uopsigelig til",),
        "notice_months": ("opsigelsesvarsel", "opsigelse (måneder)"),
        "notice_to_end_of": ("løbende", "opsigelse til udgangen af"),
        "option_count": ("antal optioner", "optioner"),
        "option_months": ("option måneder", "måneder pr option"),
        "options_used": ("optioner brugt", "udnyttede optioner"),
        "terminated_on": ("opsagt", "opsagt den", "opsigelsesdato"),
        "annual_value": ("årlig værdi", "årligt beløb", "årlig omkostning", "driftsomkostning"),
        "total_value": ("samlet værdi", "kontraktværdi", "samlet kontraktværdi"),
        "responsible": ("kontraktansvarlig", "ansvarlig"),
        "notes": ("noter", "bemærkninger", "note"),
        "internal": ("intern",),
    }
    required_columns = ("owner", "name", "vendor")

    def resolve_co_owners(self, text):
        return [self.resolve_municipality(name) for name in split_list(text)]

    def resolve_notice_months(self, text):
        match = re.match(r"\s*(\d+)", text or "")
        return match.group(1) if match else ("0" if not text.strip() else text)

    resolve_option_count = resolve_notice_months
    resolve_option_months = resolve_notice_months
    resolve_options_used = resolve_notice_months

    def owner_contracts(self, owner_id):
        """The municipality's contracts by number and (without a number) by name, loaded once per
        municipality named in the file instead of one query per row."""
        loaded = self.__dict__.setdefault("_contracts", {})
        if owner_id not in loaded:
            loaded[owner_id] = ({}, {})
            for contract in Contract.objects.filter(owner_id=owner_id):
                self.remember(contract)
        return loaded[owner_id]

    def remember(self, contract):
        loaded = self.__dict__.setdefault("_contracts", {})
        if contract.owner_id not in loaded:
            return
        by_number, by_name = loaded[contract.owner_id]
        number = (contract.contract_number or "").strip().lower()
        if number:
            by_number.setdefault(number, contract)
        else:
            by_name.setdefault(contract.name.strip().lower(), contract)

    def find_existing(self, data):
        if not data.get("owner"):
            return None
        by_number, by_name = self.owner_contracts(data["owner"])
        number = str(data.get("contract_number") or "").strip().lower()
        if number:
            return by_number.get(number)
        return by_name.get(str(data.get("name", "")).strip().lower())


IMPORTERS = {
    "vendors": VendorImporter,
    "systems": ItSystemImporter,
    "usages": SystemUsageImporter,
    "contracts": ContractImporter,
}
