using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace OrleansGateway.Tests.Batch;

public sealed class BatchServiceCollectionTests
{
    [Fact]
    public void AddGatewayBatch_ResumeReminderPeriodBelowOrleansMinimum_LowersTheMinimumToIt()
    {
        using var services = Build(new Dictionary<string, string?> { ["Gateway:Batch:ResumeReminderPeriod"] = "00:00:05" });

        var reminders = services.GetRequiredService<IOptions<ReminderOptions>>().Value;

        Assert.True(reminders.MinimumReminderPeriod == TimeSpan.FromSeconds(5),
            $"The reminder service must accept the configured 5 s resume period; its minimum is {reminders.MinimumReminderPeriod}.");
    }

    [Fact]
    public void AddGatewayBatch_DefaultResumeReminderPeriod_KeepsOrleansMinimum()
    {
        using var services = Build([]);

        var reminders = services.GetRequiredService<IOptions<ReminderOptions>>().Value;

        Assert.True(reminders.MinimumReminderPeriod == TimeSpan.FromMinutes(1),
            $"With the default 1 minute resume period Orleans' minimum stays 1 minute; it is {reminders.MinimumReminderPeriod}.");
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddGatewayBatch();
        return services.BuildServiceProvider();
    }
}
