using OrleansGateway.Frontend.Keys;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The frontend's check of a virtual key's secret against the key grains under a fake clock: a secret seen valid is
/// answered from memory (no hash, no grain call) only while what its grain said is fresh, so revocation, expiry and
/// changes still take effect within <see cref="VirtualKeyAuthenticator.Freshness"/>; a wrong secret of the same shape
/// is refused and not remembered; the header's characters are checked without a copy.
/// </summary>
public sealed class VirtualKeyAuthenticatorTests(KeyClusterFixture fixture) : IClassFixture<KeyClusterFixture>
{
    private async Task<(string Id, string Secret, IKeyGrain Grain)> CreateAsync(DateTimeOffset? expires = null)
    {
        var id = "key-" + Guid.NewGuid().ToString("N");
        var secret = VirtualKeySecret.Generate();
        var hash = VirtualKeySecret.Hash(secret);
        var grain = fixture.Client.GetGrain<IKeyGrain>(id);
        await grain.CreateAsync(new VirtualKeySettings("team", [], null, null, null, null, null, expires, null), hash);
        await fixture.Client.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).AddAsync(id, VirtualKeySecret.Hex(hash));
        return (id, secret, grain);
    }

    private VirtualKeyAuthenticator Authenticator(SecretRedactor? redactor = null) => new(fixture.Client, fixture.Time, redactor ?? SecretRedactor.For());

    [Fact]
    public async Task AuthenticateAsync_RememberedSecret_AnswersAtOnce_AndARevocationIsSeenWhenFreshnessPasses()
    {
        var (id, secret, grain) = await CreateAsync();
        var authenticator = Authenticator();
        var first = await authenticator.AuthenticateAsync(secret);
        Assert.Equal(id, first?.Id);

        await grain.RevokeAsync();
        fixture.Time.Advance(VirtualKeyAuthenticator.Freshness - TimeSpan.FromMilliseconds(1));
        var remembered = authenticator.AuthenticateAsync(secret);
        Assert.True(remembered.IsCompletedSuccessfully, "a remembered secret with fresh settings should be answered without waiting");
        Assert.Same(first, await remembered);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await authenticator.AuthenticateAsync(secret));
    }

    [Fact]
    public async Task AuthenticateAsync_SecretDifferingInOneCharacter_IsRefused_AndTheRealOneStillWorks()
    {
        var (id, secret, _) = await CreateAsync();
        var authenticator = Authenticator();
        Assert.Equal(id, (await authenticator.AuthenticateAsync(secret))?.Id);

        var wrong = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');
        Assert.Null(await authenticator.AuthenticateAsync(wrong));
        Assert.Null(await authenticator.AuthenticateAsync(wrong));
        Assert.Null(await authenticator.AuthenticateAsync(secret.AsSpan(0, secret.Length - 1)));
        Assert.Equal(id, (await authenticator.AuthenticateAsync(secret))?.Id);
    }

    [Fact]
    public async Task AuthenticateAsync_SecretInsideAHeaderValue_IsCheckedFromItsCharacters_AndAddedToTheRedactor()
    {
        var (id, secret, _) = await CreateAsync();
        var redactor = SecretRedactor.For();
        var authenticator = Authenticator(redactor);
        var header = "Bearer " + secret + "  ";

        Assert.Equal(id, (await authenticator.AuthenticateAsync(header.AsSpan(7, secret.Length)))?.Id);
        Assert.Equal(id, (await authenticator.AuthenticateAsync(header.AsSpan(7, secret.Length)))?.Id);
        Assert.Equal($"token {SecretRedactor.Placeholder}", redactor.Redact($"token {secret}"));
    }

    [Fact]
    public async Task AuthenticateAsync_KeyExpiringWhileRemembered_IsRefusedAtItsExpiry_WithoutWaitingForFreshness()
    {
        var (_, secret, _) = await CreateAsync(expires: fixture.Time.GetUtcNow() + TimeSpan.FromMilliseconds(100));
        var authenticator = Authenticator();
        Assert.NotNull(await authenticator.AuthenticateAsync(secret));

        fixture.Time.Advance(TimeSpan.FromMilliseconds(100));
        var answer = authenticator.AuthenticateAsync(secret);
        Assert.True(answer.IsCompletedSuccessfully, "the expiry should be checked on the remembered settings");
        Assert.Null(await answer);
    }

    [Fact]
    public async Task Forget_ChangedKey_NextRequestSeesTheNewSettingsAtOnce()
    {
        var (id, secret, grain) = await CreateAsync();
        var authenticator = Authenticator();
        Assert.Equal("team", (await authenticator.AuthenticateAsync(secret))?.Settings.Name);

        var current = (await grain.GetAsync())!.Settings;
        await grain.UpdateAsync(current with { Name = "renamed" });
        Assert.Equal("team", (await authenticator.AuthenticateAsync(secret))?.Settings.Name);

        authenticator.Forget(id);
        Assert.Equal("renamed", (await authenticator.AuthenticateAsync(secret))?.Settings.Name);
    }
}
