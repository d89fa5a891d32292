// The runtime (not the compiler) honours this attribute: an assembly that carries it may call the
// non-public members of the named assembly. The compiler sees those members through the publicized
// reference copies (build/Publicizer.targets). .NET does not ship the attribute class, so it is declared here.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]

namespace System.Runtime.CompilerServices;

/// <summary>Lets this assembly use the internal members of <see cref="AssemblyName"/> at run time.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose access checks are ignored.</summary>
    public string AssemblyName { get; } = assemblyName;
}
