using Microsoft.Extensions.Configuration;
using OrleansGateway.Frontend.Auth;

namespace OrleansGateway.Tests.Auth;

/// <summary>
/// The admin keys' check: equal keys only, each setting's keys, and the check of a candidate shaped like a virtual key
/// (<c>sk-gw-...</c>), which is skipped without hashing unless an admin key has that shape, and still finds such a key.
/// </summary>
public sealed class ApiKeyValidatorTests
{
    private static ApiKeyValidator Validator(string? secretToken, string? apiKeys = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = secretToken,
            ["API_KEYS"] = apiKeys,
        }).Build());

    [Fact]
    public void IsValid_EveryConfiguredKey_AndNothingElse()
    {
        var validator = Validator("admin-secret", "team-a, team-b");
        Assert.True(validator.IsValid("admin-secret"));
        Assert.True(validator.IsValid("team-b"));
        Assert.False(validator.IsValid("admin-secreT"));
        Assert.False(validator.IsValid("admin-secret "));
        Assert.False(validator.IsValid(string.Empty));
        Assert.False(validator.IsValid(new string('x', 4000)));
    }

    [Fact]
    public void IsValidVirtualShaped_NoAdminKeyOfThatShape_IsFalse_EvenForAnAdminKeysCharacters()
    {
        var validator = Validator("admin-not-shaped-here");
        Assert.False(validator.IsValidVirtualShaped("sk-gw-anything"));
        Assert.False(validator.IsValidVirtualShaped("admin-not-shaped-here"));
    }

    [Fact]
    public void IsValidVirtualShaped_AnAdminKeyWithTheVirtualPrefix_IsStillFound()
    {
        var validator = Validator("plain-admin", "sk-gw-legacy-admin-key");
        Assert.True(validator.IsValidVirtualShaped("sk-gw-legacy-admin-key"));
        Assert.False(validator.IsValidVirtualShaped("sk-gw-legacy-admin-kez"));
        Assert.True(validator.IsValid("plain-admin"));
    }
}
