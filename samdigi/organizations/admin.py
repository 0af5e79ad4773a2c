from django.contrib import admin

from samdigi.organizations.models import (
    Association,
    AssociationMember,
    Membership,
    Municipality,
    PopulationFigure,
    Unit,
)


class PopulationFigureInline(admin.TabularInline):
    model = PopulationFigure
    extra = 1


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "population", "population_date")
    list_filter = ("region",)
    search_fields = ("code", "name")
    readonly_fields = ("population", "population_date")
    inlines = [PopulationFigureInline]


class AssociationMemberInline(admin.TabularInline):
    model = AssociationMember
    extra = 1
    autocomplete_fields = ("municipality",)


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name")
    search_fields = ("name", "short_name")
    inlines = [AssociationMemberInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "kind", "internal")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")


@admin.register(PopulationFigure)
class PopulationFigureAdmin(admin.ModelAdmin):
    list_display = ("municipality", "date", "population")
