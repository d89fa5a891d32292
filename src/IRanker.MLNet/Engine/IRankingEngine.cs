using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.MLNet.Engine;

/// <summary>
/// A trained ranker that the ML.NET transformer owns: it ranks lists and writes itself to a folder
/// (for IRanker: a Hugging Face model folder — config.json, model.safetensors, tokenizer files).
/// </summary>
/// <remarks>Calls are serialised by the transformer; an engine need not be thread-safe.</remarks>
internal interface IRankingEngine : IListRanker, IDisposable
{
    /// <summary>Writes every file the engine needs to be loaded again into the existing, empty <paramref name="folder"/>.</summary>
    void SaveTo(string folder);

    /// <summary>
    /// An engine over the same model that ranks with <paramref name="options"/>: no copy of the weights; it does not own
    /// the model (disposing it frees nothing).
    /// </summary>
    /// <exception cref="NotSupportedException">The engine has no inference settings to change.</exception>
    IRankingEngine WithInference(RankerOptions options) =>
        throw new NotSupportedException($"The {GetType().Name} ranking engine has no inference settings to change.");
}
