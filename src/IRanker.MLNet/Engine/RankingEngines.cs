using System.Collections.Concurrent;

namespace IRanker.MLNet.Engine;

/// <summary>
/// The one place where the engine behind <c>mlContext.Ranking.Trainers.IRanker()</c> is chosen, and the
/// registry that finds the engine named in a model zip at load time.
/// </summary>
internal static class RankingEngines
{
    private static readonly ConcurrentDictionary<string, IRankingEngineFactory> Registered = new(StringComparer.Ordinal)
    {
        [ModelRankingEngineFactory.Instance.Name] = ModelRankingEngineFactory.Instance,
    };

    /// <summary>
    /// The engine that <see cref="IRankerTrainer"/> trains when the options name none: the IRanker engine
    /// (tokenizer + Qwen2 model + iterative ranker + RL trainer). Set it with <see cref="UseDefault"/>.
    /// </summary>
    internal static IRankingEngineFactory? Default { get; private set; } = ModelRankingEngineFactory.Instance;

    /// <summary>Makes <paramref name="factory"/> the default engine and registers it for loading.</summary>
    internal static void UseDefault(IRankingEngineFactory factory)
    {
        Register(factory);
        Default = factory;
    }

    /// <summary>Makes an engine loadable from model zips that name it.</summary>
    internal static void Register(IRankingEngineFactory factory) => Registered[factory.Name] = factory;

    /// <summary>The engine used to train with <paramref name="options"/>.</summary>
    internal static IRankingEngineFactory ForTraining(IRankerOptions options) =>
        options.EngineFactory ?? Default ?? throw new InvalidOperationException(
            "No IRanker ranking engine is available in this build of IRanker.MLNet, so the IRanker trainer cannot fit a model.");

    /// <summary>The engine named in a model zip.</summary>
    internal static IRankingEngineFactory ForLoading(string name) =>
        Registered.TryGetValue(name, out var factory) ? factory : throw new InvalidOperationException(
            $"The model was saved by the ranking engine '{name}', which is not available in this process " +
            $"(available: {(Registered.IsEmpty ? "none" : string.Join(", ", Registered.Keys.Order()))}).");
}
