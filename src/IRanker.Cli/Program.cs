using IRanker.Cli;

// The iranker command (docs/cli.md).
return await CliApp.RunAsync(args).ConfigureAwait(false);
