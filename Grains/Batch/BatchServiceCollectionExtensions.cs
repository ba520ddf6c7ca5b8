using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace OrleansGateway.Batch;

/// <summary>Registers what batch jobs need on a silo or frontend host.</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BatchOptions"/> (bound from <c>Gateway:Batch</c>, validated at start). Idempotent.
    /// The batch grains also need the gateway core (<c>AddGatewayCore</c>), which every gateway host adds.
    /// A <see cref="BatchOptions.ResumeReminderPeriod"/> or <see cref="BatchOptions.UnsubmittedGroupsTimeout"/> shorter than
    /// Orleans' minimum reminder period (1 minute) lowers that minimum, since the reminder service rejects shorter periods
    /// and every submission would fail.
    /// </summary>
    public static IServiceCollection AddGatewayBatch(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<BatchOptions>)))
        {
            return services;
        }

        services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        services.AddOptions<ReminderOptions>().PostConfigure<IOptions<BatchOptions>>((reminders, batch) =>
        {
            var shortest = TimeSpan.FromTicks(Math.Min(batch.Value.ResumeReminderPeriod.Ticks, batch.Value.UnsubmittedGroupsTimeout.Ticks));
            if (shortest > TimeSpan.Zero && shortest < reminders.MinimumReminderPeriod)
            {
                reminders.MinimumReminderPeriod = shortest;
            }
        });
        return services;
    }
}
