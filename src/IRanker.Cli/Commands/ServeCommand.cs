using System.CommandLine;

namespace IRanker.Cli.Commands;

/// <summary>
/// <c>iranker serve</c>: the rerank server of IRanker.Server (Cohere-compatible <c>/v1/rerank</c>, <c>/v2/rerank</c> and
/// IRanker's <c>/v1/rank</c>; docs/serving.md), started through the server's own entry point with the same settings.
/// </summary>
internal sealed class ServeCommand
{
    private readonly Option<string?> _model = new("--model", "-m") { Description = "The model zip or Hugging Face folder to serve (required).", HelpName = "ZIP|FOLDER" };
    private readonly Option<string?> _urls = new("--urls") { Description = "Address(es) to listen on (default http://localhost:5000).", HelpName = "URLS" };
    private readonly Option<string?> _apiKey = new("--api-key") { Description = "Require 'Authorization: Bearer KEY' on every request but the health probes.", HelpName = "KEY" };

    /// <summary>The name of the verb, which runs without the command line's own Ctrl+C handling (the server drains requests on its own).</summary>
    public const string Name = "serve";

    public Command Create(CliIO io)
    {
        var command = new Command(Name, """
            Serve a model over HTTP: Cohere's rerank API and IRanker's own (docs/serving.md). Any server setting passes
            through as --IRanker:Name=value (QueueBytes, MaxDocuments, Batching, ...). Ctrl+C lets running requests finish.

            Example:
              iranker serve --model model.zip --urls http://127.0.0.1:8080 --IRanker:QueueBytes=268435456
            """)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.Options.Add(_model);
        command.Options.Add(_urls);
        command.Options.Add(_apiKey);
        command.SetAction((parse, token) => CommandGuard.RunAsync(Name, io, token, () => Task.FromResult(Run(parse))));
        return command;
    }

    private int Run(ParseResult parse)
    {
        string model = parse.GetValue(_model) ?? throw CliException.Usage("--model ZIP|FOLDER is required.");
        if (!File.Exists(model) && !Directory.Exists(model)) throw CliException.Model($"{model}: no such model file or folder.");
        var args = new List<string> { "--model", model };
        if (parse.GetValue(_urls) is { } urls) args.AddRange(["--urls", urls]);
        if (parse.GetValue(_apiKey) is { } key) args.AddRange(["--api-key", key]);
        args.AddRange(parse.UnmatchedTokens);
        return IRanker.Server.Program.Main([.. args]);
    }
}
