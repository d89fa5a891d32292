using System.Text;
using Microsoft.ML.Tokenizers;

namespace IRanker.Model.Text;

/// <summary>Unicode normalisation form C, the <c>"NFC"</c> normaliser of a Hugging Face <c>tokenizer.json</c>.</summary>
internal sealed class NfcNormalizer : Normalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original) =>
        original.IsNormalized(NormalizationForm.FormC) ? original : original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
