"""bot.careers.paths: the reviewed family -> management map and what counts as the
person's field."""

from __future__ import annotations

from bot.careers.paths import family_managers, is_supervisor


def test_every_code_in_the_map_is_an_onet_management_occupation(careers) -> None:
    for prefix, codes in family_managers().items():
        for code in codes:
            assert code in careers.catalogue.occupations, (prefix, code)
            assert code.startswith("11-"), (prefix, code)


def test_every_major_group_has_an_entry(careers) -> None:
    groups = {code[:2] for code in careers.catalogue.occupations} - {"55"}  # military occupations: no civilian career path
    assert groups <= set(family_managers())


def test_narrow_specialisations_are_never_a_familys_management(careers) -> None:
    listed = {code for codes in family_managers().values() for code in codes}
    assert not listed & {"11-9041.01", "11-3051.03", "11-3051.04", "11-3051.02", "11-9199.09", "11-9199.10"}


def test_first_line_supervisors_are_recognised_only_where_soc_has_them(careers) -> None:
    assert is_supervisor(careers.occupation("53-1042.00"))  # warehouse supervisors
    assert is_supervisor(careers.occupation("33-1012.00"))  # police sergeants
    assert not is_supervisor(careers.occupation("29-1141.00"))  # Registered Nurses sit in minor group 29-1
    assert not is_supervisor(careers.occupation("13-1081.00"))


def test_a_warehouse_supervisors_field_is_not_every_related_supervisor(careers) -> None:
    catalogue = careers.catalogue
    warehouse = careers.occupation("53-1042.00")
    janitorial = careers.occupation("37-1011.00")  # related in O*NET
    assert not catalogue.near_enough(warehouse, janitorial)
    assert catalogue.near_enough(warehouse, careers.occupation("11-3071.00"))  # the management that leads the family
