using System.Reflection;
using NetArchTest.Rules;

namespace IRanker.Model.Tests;

/// <summary>
/// The parts of the model library and what each may use, as docs/architecture.md draws them: a part never uses a part
/// above it. A change that makes a lower part reach up fails here, with the types that do it.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "IRanker.Model";

    /// <summary>Each part, bottom to top: a part may use the parts listed before it, never those after it.</summary>
    public static TheoryData<string, string[]> Layers => new()
    {
        { "Runtime", ["Checkpoints", "Modeling", "Text", "Answers", "Prompts", "Step", "Elimination", "Training"] },
        { "Checkpoints", ["Modeling", "Text", "Answers", "Prompts", "Step", "Elimination", "Training"] },
        { "Modeling", ["Text", "Answers", "Prompts", "Step", "Elimination", "Training"] },
        { "Text", ["Modeling", "Answers", "Prompts", "Step", "Elimination", "Training"] },
        { "Answers", ["Modeling", "Prompts", "Step", "Elimination", "Training"] },
        { "Prompts", ["Modeling", "Step", "Elimination", "Training"] },
        { "Step", ["Elimination", "Training"] },
        { "Elimination", ["Training"] },
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void A_part_never_uses_a_part_above_it(string part, string[] above)
    {
        var result = Types.InAssembly(typeof(IRankerModel).Assembly)
            .That().ResideInNamespace($"{Root}.{part}")
            .ShouldNot().HaveDependencyOnAny(above.Select(a => $"{Root}.{a}").ToArray())
            .GetResult();

        result.FailingTypeNames.Should().BeNullOrEmpty($"{Root}.{part} may not use {string.Join(", ", above)} (docs/architecture.md)");
    }

    [Fact]
    public void The_list_types_at_the_root_use_no_part_of_the_model()
    {
        string[] parts = ["Runtime", "Checkpoints", "Modeling", "Text", "Prompts", "Step", "Elimination", "Training"];
        var result = Types.InAssembly(typeof(IRankerModel).Assembly)
            .That().ResideInNamespaceMatching($"^{Root.Replace(".", "\\.")}$")
            .And().DoNotHaveName(nameof(IRankerModel))
            .ShouldNot().HaveDependencyOnAny(parts.Select(p => $"{Root}.{p}").ToArray())
            .GetResult();

        result.FailingTypeNames.Should().BeNullOrEmpty("the queries, results and metrics of a list are plain data that every part shares");
    }

    [Fact]
    public void The_model_library_knows_nothing_of_MLNet_or_of_evaluation()
    {
        var references = typeof(IRankerModel).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        references.Should().NotContain(r => r.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !r.StartsWith("Microsoft.ML.Tokenizers", StringComparison.Ordinal),
            "ML.NET knows the model, never the other way round");
        references.Should().NotContain(r => r.StartsWith("IRanker.", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_layer_named_here_exists()
    {
        var namespaces = typeof(IRankerModel).Assembly.GetTypes().Select(t => t.Namespace).Distinct().ToHashSet();
        foreach (string part in Layers.Select(row => (string)row[0]))
            namespaces.Should().Contain($"{Root}.{part}", "a rule over a namespace that does not exist checks nothing");
    }
}
