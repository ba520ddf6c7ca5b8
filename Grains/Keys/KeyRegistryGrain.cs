using System.Collections.Immutable;
using OrleansGateway.Paging;
using OrleansGateway.Storage;

namespace OrleansGateway.Keys;

/// <summary>The list of virtual keys (oldest first) and the index from secret hash to key id, durable.</summary>
public sealed class KeyRegistryGrain(
    [PersistentState("key-registry", GatewayStorage.Name)] IPersistentState<KeyRegistryState> state) : Grain, IKeyRegistryGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state.State.KeyIds ??= [];
        state.State.IdsByHash ??= new(StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task AddAsync(string keyId, string secretHashHex)
    {
        if (state.State.IdsByHash.ContainsKey(secretHashHex))
        {
            return;
        }

        state.State.IdsByHash[secretHashHex] = keyId;
        state.State.KeyIds.Add(keyId);
        await state.WriteStateAsync();
    }

    public Task<string?> FindAsync(string secretHashHex) =>
        Task.FromResult(state.State.IdsByHash.TryGetValue(secretHashHex, out var id) ? id : null);

    public Task<IdPage> ListAsync(string? after, int limit)
    {
        var ids = state.State.KeyIds;
        var start = after is null ? 0 : ids.IndexOf(after) is var index and >= 0 ? index + 1 : ids.Count;
        var page = ids.Skip(start).Take(limit).ToImmutableArray();
        return Task.FromResult(new IdPage(page, start + page.Length < ids.Count));
    }
}
