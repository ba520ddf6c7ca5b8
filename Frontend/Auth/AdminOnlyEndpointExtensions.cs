namespace OrleansGateway.Frontend.Auth;

/// <summary>Marks a group or endpoint as the admin keys' only.</summary>
public static class AdminOnlyEndpointExtensions
{
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AdminOnlyMetadata.Instance);
}
