namespace OrleansGateway.Storage;

/// <summary>
/// The rule for blob names, the same for every backend: 1 to 512 characters of ASCII letters, digits,
/// <c>-</c>, <c>_</c>, <c>.</c> and <c>/</c>; segments separated by single slashes, none empty, none
/// <c>.</c> or <c>..</c>. Names made from client input (job ids, file ids) are checked before use.
/// </summary>
public static class BlobNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 512;

    /// <summary>Whether <paramref name="name"/> follows the rule.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..")
            {
                return false;
            }

            foreach (var c in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="name"/> does not follow the rule.</summary>
    public static string Check(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"'{name}' is not a valid blob name (letters, digits, '-', '_', '.', '/' segments).", nameof(name));
}
