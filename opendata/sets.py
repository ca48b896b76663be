"""OAI-PMH sets: one per series and one per publication type."""

SERIES_SET = "series"
TYPE_SET = "type"


def series_set_spec(series_slug):
    return f"{SERIES_SET}:{series_slug}"


def type_set_spec(type_slug):
    return f"{TYPE_SET}:{type_slug}"


def set_specs_of(publication):
    """Return the set specs of *publication*, a Publication or its Report."""
    specs = [type_set_spec(publication.publication_type.slug)]
    report = publication if hasattr(publication, "series_id") else None
    if report is not None and report.series_id is not None:
        specs.append(series_set_spec(report.series.slug))
    return sorted(specs)


def joined_set_specs(specs):
    """Return *specs* as stored on a WithdrawnRecord: " a b ", sorted."""
    return " " + " ".join(sorted(set(specs))) + " " if specs else ""


def set_spec_fragment(set_spec):
    """Return what a stored set_specs text contains if it is in *set_spec*.

    A parent set ("series") holds every set below it ("series:x").
    """
    if ":" in set_spec:
        return f" {set_spec} "
    return f" {set_spec}:"
