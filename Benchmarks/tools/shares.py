"""What the profile summaries share: the areas of managed code they credit frames to, and printing each name's part of
the total, largest first."""

# Managed code by namespace, each area the keys a frame's name contains; an area matches before those below it.
MANAGED_AREAS = [
    ("JSON (System.Text.Json)", ("System.Text.Json",)),
    ("OpenAI package / System.ClientModel", ("OpenAI.", "System.ClientModel")),
    ("logging", ("Microsoft.Extensions.Logging",)),
    ("Orleans runtime", ("Orleans.",)),
    ("gateway code", ("OrleansGateway.",)),
    ("HttpClient (outbound)", ("System.Net.Http",)),
    ("Kestrel / pipelines", ("Microsoft.AspNetCore.Server.Kestrel", "System.IO.Pipelines")),
    ("ASP.NET Core (routing, results, middleware)", ("Microsoft.AspNetCore",)),
    ("sockets (managed)", ("System.Net.Sockets",)),
]


def print_shares(counter, total, top=None, width=None):
    """One line per name of `counter` (its `top` largest, or all), as a percentage of `total`; names cut at `width`."""
    for name, amount in counter.most_common(top):
        print(f"  {100 * amount / total:5.1f}%  {name[:width]}")
