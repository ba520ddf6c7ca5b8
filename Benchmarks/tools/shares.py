"""Printing a profile summary's shares: each name's part of the total, largest first."""


def print_shares(counter, total, top=None, width=None):
    """One line per name of `counter` (its `top` largest, or all), as a percentage of `total`; names cut at `width`."""
    for name, amount in counter.most_common(top):
        print(f"  {100 * amount / total:5.1f}%  {name[:width]}")
