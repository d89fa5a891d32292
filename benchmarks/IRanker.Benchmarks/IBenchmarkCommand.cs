namespace IRanker.Benchmarks;

/// <summary>One benchmark subcommand: it runs, prints as it goes, and returns its Markdown section body.</summary>
internal interface IBenchmarkCommand
{
    /// <summary>Heading of the section in docs/benchmarks.md (replaced on every run).</summary>
    string Title { get; }

    /// <summary>Runs the benchmark; returns the Markdown body (without the heading).</summary>
    string Run(string[] args);
}
