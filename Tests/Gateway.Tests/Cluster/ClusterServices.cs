namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// The real services the cluster tests run against, as <c>scripts/test-services.sh</c> exports them.
/// A missing one fails the tests with the command that provides it; they never pass without it.
/// </summary>
public static class ClusterServices
{
    public const string RedisVariable = "GATEWAY_TEST_REDIS";

    public const string TablesVariable = "GATEWAY_TEST_TABLES";

    public const string BlobsVariable = "GATEWAY_TEST_BLOBS";

    public const string ChromiumVariable = "GATEWAY_TEST_CHROMIUM";

    private const string TestCommand = "`bash scripts/test.sh` (the README's test command, which sources scripts/test-services.sh)";

    /// <summary>The Redis connection string.</summary>
    public static string Redis => Require(RedisVariable,
        $"Redis is not running for the cluster tests. Run them with {TestCommand}: it installs redis-server (`apt-get install -y redis-server`) and starts it; or start `redis-server` yourself and set {RedisVariable}=127.0.0.1:<port>.");

    /// <summary>The Azure Table storage connection string (Azurite).</summary>
    public static string Tables => Require(TablesVariable,
        $"Azurite is not running for the cluster tests. Run them with {TestCommand}: it installs Azurite (`npm install azurite` into .services/azurite) and starts `azurite-table`; or start it yourself and set {TablesVariable} to its connection string.");

    /// <summary>The Azure Blob Storage connection string (Azurite's blob service).</summary>
    public static string Blobs => Require(BlobsVariable,
        $"Azurite's blob service is not running for the storage tests. Run them with {TestCommand}: it installs Azurite (`npm install azurite` into .services/azurite) and starts it with its blob service; or start it yourself and set {BlobsVariable} to its connection string.");

    /// <summary>The chromium binary.</summary>
    public static string Chromium
    {
        get
        {
            var path = Require(ChromiumVariable,
                $"chromium is not available for the dashboard test. Run the tests with {TestCommand}: it installs Debian's chromium (`apt-get install -y chromium`); or set {ChromiumVariable} to the chromium binary.");
            if (!File.Exists(path))
            {
                throw new Xunit.Sdk.XunitException($"{ChromiumVariable}={path} does not exist; install it with `apt-get install -y chromium`.");
            }

            return path;
        }
    }

    private static string Require(string variable, string message) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : throw new Xunit.Sdk.XunitException(message);
}
