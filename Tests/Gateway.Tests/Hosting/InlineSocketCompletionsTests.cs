using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Hosting;

public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public void EnableUnlessConfigured_Unset_TurnsItOnAndAnExplicitZeroIsKept()
    {
        var before = Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable);
        try
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, null);
            InlineSocketCompletions.EnableUnlessConfigured();
            Assert.Equal("1", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));

            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, "0");
            InlineSocketCompletions.EnableUnlessConfigured();
            Assert.Equal("0", Environment.GetEnvironmentVariable(InlineSocketCompletions.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletions.Variable, before);
        }
    }
}
