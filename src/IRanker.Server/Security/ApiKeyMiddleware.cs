using System.Security.Cryptography;
using System.Text;
using IRanker.Server.Api;
using Microsoft.Extensions.Options;

namespace IRanker.Server.Security;

/// <summary>
/// With <see cref="ServerOptions.ApiKey"/> set, lets a request through only with <c>Authorization: Bearer {key}</c>
/// (the health probes are always open); others get 401 with a problem body.
/// </summary>
/// <remarks>
/// Both keys are hashed with SHA-256 and the hashes compared with <see cref="CryptographicOperations.FixedTimeEquals"/>,
/// so the time taken says nothing about the key, not even its length.
/// </remarks>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<ServerOptions> options)
{
    private readonly byte[]? _keyHash = options.Value.ApiKey is { } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public async Task InvokeAsync(HttpContext context)
    {
        if (_keyHash is null || context.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || Authorized(context))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Unauthorized(context.Request.Headers.Authorization.Count == 0
                ? "This server needs an API key: send the header 'Authorization: Bearer <key>'."
                : "The API key in the Authorization header is not valid (expected 'Authorization: Bearer <key>').")
            .ExecuteAsync(context).ConfigureAwait(false);
    }

    private bool Authorized(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        byte[] given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, _keyHash);
    }
}
