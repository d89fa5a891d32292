using Microsoft.Extensions.Options;

namespace IRanker.Server;

/// <summary>
/// The IRanker rerank server: serves one IRanker model over HTTP with Cohere's rerank API (<c>/v1/rerank</c>,
/// <c>/v2/rerank</c>), IRanker's own API (<c>/v1/rank</c>), health probes, Prometheus metrics and an OpenAPI document.
/// </summary>
/// <example>
/// <code>
/// dotnet run --project src/IRanker.Server -c Release -- --model output/iranker-model.zip --urls http://127.0.0.1:8080 --api-key KEY
/// curl -s http://127.0.0.1:8080/v1/rerank -H 'Authorization: Bearer KEY' -H 'Content-Type: application/json' \
///      -d '{"query": "capital of France", "documents": ["Paris is the capital of France.", "Bananas are yellow."]}'
/// </code>
/// </example>
public sealed class Program
{
    private Program()
    {
    }

    /// <summary>Starts the server; settings come from the command line, environment variables and appsettings.json (docs/serving.md).</summary>
    /// <returns>0 after a clean shutdown; 1 when the model could not be loaded; 2 when a setting is wrong.</returns>
    public static int Main(string[] args)
    {
        try
        {
            ServerApp.Build(args).Run();
            return Environment.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (string failure in e.Failures) Console.Error.WriteLine($"IRanker.Server: {failure}");
            return 2;
        }
    }
}
