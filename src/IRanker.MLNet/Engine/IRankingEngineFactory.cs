using IRanker.Model;

namespace IRanker.MLNet.Engine;

/// <summary>Trains and loads <see cref="IRankingEngine"/>s. The zip records <see cref="Name"/> to find the factory again at load time.</summary>
internal interface IRankingEngineFactory
{
    /// <summary>A stable name, saved in the model zip (e.g. <c>iranker</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Trains an engine on labelled queries (every candidate has a label 0..4). Starts from
    /// <see cref="IRankerOptions.ModelPath"/> when it is set, else from a new small model.
    /// </summary>
    /// <param name="train">The training queries, one per ML.NET group, in order of first appearance.</param>
    /// <param name="options">The trainer's options.</param>
    /// <param name="progress">Receives one human-readable line per report; it is shown in ML.NET's log.</param>
    /// <param name="cancellationToken">Cancelled by <c>MLContext.CancelExecution()</c>; training must stop promptly.</param>
    IRankingEngine Train(IReadOnlyList<RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken cancellationToken);

    /// <summary>
    /// Loads an engine from a folder that <see cref="IRankingEngine.SaveTo"/> wrote. The folder is deleted
    /// after this returns, so everything needed must be read before returning.
    /// </summary>
    IRankingEngine Load(string folder, IRankerOptions options);
}
