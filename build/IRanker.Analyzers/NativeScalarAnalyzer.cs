using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace IRanker.Analyzers;

/// <summary>
/// Finds TorchSharp <c>Scalar</c>s that can be freed while the native call that reads them runs.
/// </summary>
/// <remarks>
/// A <c>TorchSharp.Scalar</c> owns a native value and has a finalizer that frees it. TorchSharp reads the handle of a
/// Scalar argument and then calls into libtorch; nothing keeps the Scalar object alive after its handle was read, so
/// a Scalar that only the call refers to (one converted implicitly from a number, made inline by <c>ToScalar()</c>, or
/// made inside TorchSharp, as the <c>alpha</c> of <c>a + b</c> and <c>1 - b</c>) may be finalized by a garbage collection on another
/// thread while libtorch still reads it. The result is a rare native error ("toFloat ... Expected false to be true")
/// or a wrong number, under allocation pressure only. A Scalar that outlives the call is safe: a field (the static
/// ones of IRanker.Model's <c>NativeScalars</c>), a parameter (its caller is checked), or a local declared with
/// <c>using</c> (disposed after the call, so alive during it).
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NativeScalarAnalyzer : DiagnosticAnalyzer
{
    /// <summary>IRK0001: a Scalar argument or operand that nothing keeps alive during the call.</summary>
    public static readonly DiagnosticDescriptor TemporaryScalar = new(
        "IRK0001",
        "A TorchSharp Scalar that the call alone refers to",
        "'{0}' passes a Scalar made from '{1}' that nothing keeps alive while the native call runs: the garbage collector may free it during the call. " +
        "Pass a Scalar that outlives the call: a static one of NativeScalars, or a local declared with 'using var'.",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TorchSharp does not keep a Scalar argument alive during the native call that reads it.");

    /// <summary>IRK0002: a TorchSharp call or operator that makes a Scalar of its own (the alpha of add, a number operand).</summary>
    public static readonly DiagnosticDescriptor HiddenScalar = new(
        "IRK0002",
        "A TorchSharp call that makes a Scalar nothing keeps alive",
        "'{0}' makes a Scalar inside TorchSharp ({1}) that the garbage collector may free while the native call runs. " +
        "Use the NativeScalars form instead (Plus, Minus, Times, DividedBy, or an overload that takes a Scalar you keep alive).",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "TorchSharp's add without alpha (and so +, and number - tensor), and its operators with a number operand, make Scalars that nothing keeps alive.");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(TemporaryScalar, HiddenScalar);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var scalar = start.Compilation.GetTypeByMetadataName("TorchSharp.Scalar");
            if (scalar is null) return; // no TorchSharp here
            start.RegisterOperationAction(c => AnalyzeArgument(c, scalar), OperationKind.Argument);
            start.RegisterOperationAction(c => AnalyzeOperator(c, scalar), OperationKind.Binary, OperationKind.Unary);
            start.RegisterOperationAction(c => AnalyzeInvocation(c, scalar), OperationKind.Invocation);
        });
    }

    private static void AnalyzeArgument(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var argument = (IArgumentOperation)context.Operation;
        if (argument.Parameter is not { } parameter || !SymbolEqualityComparer.Default.Equals(parameter.Type, scalar)) return;
        if (argument.ArgumentKind == ArgumentKind.DefaultValue) return; // a Scalar parameter's default is null
        if (IsKeptAlive(argument.Value)) return;
        context.ReportDiagnostic(Diagnostic.Create(TemporaryScalar, argument.Syntax.GetLocation(),
            argument.Parent?.Syntax.ToString() ?? argument.Syntax.ToString(), Source(argument.Value)));
    }

    private static void AnalyzeOperator(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var method = context.Operation switch
        {
            IBinaryOperation b => b.OperatorMethod,
            IUnaryOperation u => u.OperatorMethod,
            _ => null,
        };
        if (method is null || !FromTorchSharp(method)) return;
        var operands = context.Operation switch
        {
            IBinaryOperation b => new[] { b.LeftOperand, b.RightOperand },
            IUnaryOperation u => new[] { u.Operand },
            _ => new IOperation[0],
        };
        string syntax = context.Operation.Syntax.ToString();
        // TorchSharp's + is add without alpha, and number - tensor is negative().add(number): both make an alpha of 1.
        if (method.Name == "op_Addition" || (method.Name == "op_Subtraction" && !IsTensor(method.Parameters[0].Type)))
        {
            context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, context.Operation.Syntax.GetLocation(), syntax,
                "the alpha of add"));
            return;
        }
        for (int i = 0; i < operands.Length && i < method.Parameters.Length; i++)
        {
            var type = method.Parameters[i].Type;
            if (SymbolEqualityComparer.Default.Equals(type, scalar))
            {
                if (!IsKeptAlive(operands[i]))
                    context.ReportDiagnostic(Diagnostic.Create(TemporaryScalar, operands[i].Syntax.GetLocation(), syntax, Source(operands[i])));
            }
            else if (type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_Double)
            {
                context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, context.Operation.Syntax.GetLocation(), syntax,
                    $"a Scalar from the {type.ToDisplayString()} operand"));
            }
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol scalar)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!FromTorchSharp(method) || method.Name is not ("add" or "add_")) return;
        if (method.Parameters.Any(p => p.Name == "alpha")) return;
        context.ReportDiagnostic(Diagnostic.Create(HiddenScalar, invocation.Syntax.GetLocation(), invocation.Syntax.ToString(),
            $"the alpha that {method.Name} without alpha passes"));
    }

    /// <summary>Whether <paramref name="value"/> is a Scalar that outlives the call it is passed to.</summary>
    private static bool IsKeptAlive(IOperation value)
    {
        switch (value)
        {
            case IConversionOperation { Conversion.IsUserDefined: false } conversion:
                return IsKeptAlive(conversion.Operand); // Scalar to Scalar? (nullable annotations only)
            case IFieldReferenceOperation:
            case IParameterReferenceOperation:
                return true;
            case ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }:
            case IDefaultValueOperation:
                return true;
            case ILocalReferenceOperation local:
                return DeclaredWithUsing(local.Local);
            default:
                return false;
        }
    }

    private static bool DeclaredWithUsing(ILocalSymbol local)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            var node = reference.GetSyntax();
            if (node.Parent is VariableDeclarationSyntax declaration)
            {
                if (declaration.Parent is LocalDeclarationStatementSyntax statement && statement.UsingKeyword.IsKind(SyntaxKind.UsingKeyword))
                    return true;
                if (declaration.Parent is UsingStatementSyntax)
                    return true;
            }
        }
        return false;
    }

    private static bool IsTensor(ITypeSymbol type) => type.Name == "Tensor" && type.ContainingAssembly?.Name == "TorchSharp";

    private static bool FromTorchSharp(IMethodSymbol method) =>
        method.ContainingAssembly?.Name == "TorchSharp";

    private static string Source(IOperation value) =>
        value is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Syntax.ToString() : value.Syntax.ToString();
}
