namespace IRanker.Model;

/// <summary>
/// How <see cref="DecodingMode.Choice"/> scores the candidates of a step: the probability the model gives to writing
/// each candidate's ID as the answer.
/// </summary>
/// <remarks>
/// Both give a distribution over the remaining candidates that training learns and ranking decides with. They agree
/// where the model is sure of every token after the one that tells an ID apart (it copies the rest of the ID), and
/// differ in cost where IDs are long and part early, as titles do. A model ranks best with the scoring it was trained
/// with (docs/ranking.md, "Choice scoring").
/// </remarks>
public enum ChoiceScoring
{
    /// <summary>
    /// Every token of each candidate's ID and the answer's closing tag, summed, then a softmax over the candidates. Each
    /// step runs every token of every remaining ID. The default, and how every model saved before the choice existed
    /// was trained.
    /// </summary>
    FullSequence,

    /// <summary>
    /// The probability that answering constrained to the remaining IDs writes this candidate: each ID runs only up to
    /// the token that tells it apart from every other remaining ID, and at each token the model's probabilities are
    /// renormalised over the tokens that some remaining ID continues with there (the tokens after that point are the
    /// only ones the constraint allows, so they add nothing). Far fewer tokens per step for long IDs: a 20-candidate
    /// list of film titles runs about 1.4 tokens per candidate instead of 13.
    /// </summary>
    UniquePrefix,
}
