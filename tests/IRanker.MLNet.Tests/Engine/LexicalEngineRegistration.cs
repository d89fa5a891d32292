using System.Runtime.CompilerServices;
using IRanker.MLNet.Engine;

namespace IRanker.MLNet.Tests.Engine;

internal static class LexicalEngineRegistration
{
    /// <summary>Makes zips written with the lexical engine loadable in every process that loads the test assembly.</summary>
    [ModuleInitializer]
    internal static void Register() => RankingEngines.Register(LexicalRankingEngineFactory.Instance);
}
