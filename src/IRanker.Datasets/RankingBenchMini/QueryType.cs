namespace IRanker.Datasets;

/// <summary>The kinds of request in the routing tasks; each LLM of the mini benchmark is better at some than others.</summary>
internal enum QueryType
{
    Math,
    Coding,
    Factual,
    Creative,
    Summary,
    Translation,
}
