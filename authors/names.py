"""Name parts of authors: a best-effort guess for names not yet split."""


def guess_name_parts(name):
    """Return (given_names, family_name) guessed from *name* as written.

    The last word is taken as the family name and one word as a single name,
    which is how reference managers guess too; it is wrong for names written
    family name first ("Wu Xinbo") or with particles ("Anna van der Berg"),
    which editors correct in the admin.
    """
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return " ".join(words[:-1]), words[-1]
