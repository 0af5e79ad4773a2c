"""Filter labels follow the reader's language, whichever language first asked for them."""

from django.utils import translation

from samdigi.landscape.filters import ContractFilterSet


def test_a_label_first_read_in_english_is_danish_for_the_next_danish_reader():
    with translation.override("en"):
        english = str(ContractFilterSet.base_filters["contract_type"].label)
        english_form = str(ContractFilterSet().form["contract_type"].label)
    with translation.override("da"):
        danish = str(ContractFilterSet.base_filters["contract_type"].label)
        danish_form = str(ContractFilterSet().form["contract_type"].label)
    assert english.lower() == "contract type"
    assert english_form.lower() == "contract type"
    assert danish.lower() == "kontrakttype"
    assert danish_form.lower() == "kontrakttype"
