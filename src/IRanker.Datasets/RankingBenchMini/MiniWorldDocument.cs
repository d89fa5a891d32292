namespace IRanker.Datasets;

/// <summary>What a document of <see cref="MiniWorldCorpus"/> is.</summary>
public enum MiniWorldDocumentKind
{
    /// <summary>Passage world: an encyclopedic paragraph on one topic that writes several concepts with both of their words.</summary>
    TopicParagraph,
    /// <summary>Passage world: glossary lines that pair the two words of each concept of a topic.</summary>
    Glossary,
    /// <summary>Passage world: sentences in the style of the benchmark's passages, all on one topic.</summary>
    TopicSentences,
    /// <summary>Passage world: two topics and the words that belong to each.</summary>
    TopicContrast,
    /// <summary>Recommendation world: catalog entries, each title in prose and in the form <c>Name [Genre|Genre]</c>.</summary>
    CatalogEntry,
    /// <summary>Recommendation world: a genre and items of the catalog that have it.</summary>
    GenreDescription,
    /// <summary>Recommendation world: a person's list of items they enjoyed, then their two favourite genres and one more item with both.</summary>
    Diary,
    /// <summary>Routing world: an LLM's price, strengths and weaknesses.</summary>
    LlmSpecSheet,
    /// <summary>Routing world: example requests, each said to be of its type.</summary>
    RequestExamples,
    /// <summary>Routing world: a request type and the LLMs strong and weak at it.</summary>
    TypeAndLlms,
    /// <summary>Routing world: prices of LLMs compared.</summary>
    PriceComparison,
    /// <summary>Numbered notes of items from the included worlds, then sentences that refer back to notes by number and repeat their content.</summary>
    LookBack,
}

/// <summary>One document of <see cref="MiniWorldCorpus"/>: its kind and its text.</summary>
/// <param name="Kind">What the document is.</param>
/// <param name="Text">The text: a few sentences to a few hundred words.</param>
public sealed record MiniWorldDocument(MiniWorldDocumentKind Kind, string Text);
