using System.Security.Cryptography;

namespace OrleansGateway.Tests.Storage;

/// <summary>What every <see cref="IBlobStore"/> must do, run against each backend by its own test class.</summary>
public static class BlobStoreContract
{
    /// <summary>Writes, replaces, reads back, streams a large blob in small reads, and deletes.</summary>
    public static async Task RunAsync(IBlobStore store, string prefix)
    {
        var name = $"{prefix}/results/0";
        Assert.Null(await store.OpenReadAsync(name));
        Assert.False(await store.DeleteAsync(name));

        await store.WriteBytesAsync(name, "first"u8.ToArray());
        Assert.Equal("first"u8.ToArray(), await store.ReadBytesAsync(name));
        await store.WriteBytesAsync(name, "second, longer"u8.ToArray());
        Assert.Equal("second, longer"u8.ToArray(), await store.ReadBytesAsync(name));

        // 3 MiB: more than an Azure Table entity holds, written from a forward-only stream.
        var large = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        var largeName = $"{prefix}/inputs/large.jsonl";
        var written = await store.WriteAsync(largeName, new ForwardOnlyStream(large, maxRead: 65536));
        Assert.Equal(large.Length, written);
        await using (var read = await store.OpenReadAsync(largeName))
        {
            Assert.NotNull(read);
            var copy = new MemoryStream();
            var buffer = new byte[4093];
            int count;
            while ((count = await read.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, count);
            }

            Assert.True(large.AsSpan().SequenceEqual(copy.ToArray()), "the large blob did not read back byte for byte");
        }

        Assert.True(await store.DeleteAsync(name));
        Assert.Null(await store.OpenReadAsync(name));
        Assert.True(await store.DeleteAsync(largeName));
        Assert.Null(await store.ReadBytesAsync(largeName));
    }
}
