using System.Collections.Immutable;
using IRanker.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace IRanker.Model.Tests.Runtime;

/// <summary>
/// The analyzer that keeps IRanker.Model free of TorchSharp Scalars a garbage collection can free during the native
/// call that reads them (build/IRanker.Analyzers, IRK0001 and IRK0002): each case is a small C# file compiled against
/// TorchSharp and checked for exactly the diagnostics it should get.
/// </summary>
public class NativeScalarAnalyzerTests
{
    private const string Header = """
        using TorchSharp;
        using static TorchSharp.torch;
        static class Keep { public static readonly Scalar One = 1L.ToScalar(); }
        static class Code
        {
            static Tensor Run(Tensor x, Tensor y, Tensor m, Scalar given)
            {

        """;

    private const string Footer = """

            }
        }
        """;

    [Theory]
    [InlineData("return x + y;", "IRK0002")]                          // + is add without alpha
    [InlineData("return x.add(y);", "IRK0002")]
    [InlineData("return x.add_(given);", "IRK0002")]                  // add_(Scalar) passes an alpha of its own
    [InlineData("return 1 - x;", "IRK0002")]                          // negative().add(1)
    [InlineData("return x * 0.5;", "IRK0002")]                        // the operator converts the double itself
    [InlineData("return x.mul(0.5);", "IRK0001")]                     // implicit double -> Scalar
    [InlineData("return x.mul(0.5.ToScalar());", "IRK0001")]          // made inline
    [InlineData("var s = 0.5.ToScalar(); return x.mul(s);", "IRK0001")] // a plain local can be collected during the call
    [InlineData("return x.masked_fill(m, double.NegativeInfinity);", "IRK0001")]
    [InlineData("return arange(0, 5);", "IRK0001", "IRK0001")]
    public void Flags_a_scalar_that_nothing_keeps_alive(string body, params string[] expected)
    {
        Analyze(body).Select(d => d.Id).Should().BeEquivalentTo(expected);
    }

    [Theory]
    [InlineData("return x - y;")]                                     // sub has no alpha
    [InlineData("return x * y / y;")]
    [InlineData("return -x;")]
    [InlineData("return x.add(y, Keep.One);")]                        // a static Scalar lives as long as the process
    [InlineData("using var s = 0.5.ToScalar(); return x.mul(s);")]    // disposed after the call, so alive during it
    [InlineData("using (var s = 0.5.ToScalar()) { return x.mul(s); }")]
    [InlineData("return x.mul(given);")]                              // the caller's Scalar: its call site is checked
    [InlineData("return x.masked_fill(m, Keep.One).clamp(null, Keep.One);")]
    public void Accepts_a_scalar_that_outlives_the_call(string body)
    {
        Analyze(body).Should().BeEmpty();
    }

    [Fact]
    public void The_message_names_the_call_and_the_value_and_says_what_to_do()
    {
        var diagnostic = Analyze("return x.mul(0.5);").Single();
        string message = diagnostic.GetMessage();
        message.Should().Contain("x.mul(0.5)").And.Contain("'0.5'").And.Contain("using var").And.Contain("NativeScalars");
        diagnostic.Severity.Should().Be(DiagnosticSeverity.Error);
    }

    private static ImmutableArray<Diagnostic> Analyze(string body)
    {
        var tree = CSharpSyntaxTree.ParseText(Header + body + Footer);
        string torchSharp = typeof(TorchSharp.Scalar).Assembly.Location;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).Equals("TorchSharp.dll", StringComparison.OrdinalIgnoreCase))
            .Append(torchSharp)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Snippet", [tree], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Should().BeEmpty("the snippet must compile: {0}", body);
        return compilation.WithAnalyzers([new NativeScalarAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }
}
