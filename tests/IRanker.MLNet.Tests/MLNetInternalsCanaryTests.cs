using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace IRanker.MLNet.Tests;

/// <summary>
/// IRanker.MLNet compiles against publicized copies of Microsoft.ML.Core/Data to save models into the ML.NET zip.
/// This canary reads every reference IRanker.MLNet.dll makes into those assemblies, resolves it against the REAL
/// assemblies loaded here, and fails when a used member is gone (an ML.NET update changed its internals) or when
/// the set of internals used changes (new code reached for an internal: keep it in Persistence/ and list it here).
/// </summary>
public sealed class MLNetInternalsCanaryTests
{
    // Every non-public ML.NET type or member IRanker.MLNet uses; all the uses are in src/IRanker.MLNet/Persistence/.
    private static readonly string[] KnownInternals =
    [
        // Persistence/IRankerModelFormat.cs: the loader registration, the version header, the streams.
        "Microsoft.ML.LoadableClassAttribute",
        "Microsoft.ML.LoadableClassAttribute..ctor",
        "Microsoft.ML.SignatureLoadModel",
        "Microsoft.ML.VersionInfo",
        "Microsoft.ML.VersionInfo..ctor",
        "Microsoft.ML.ModelSaveContext.CheckAtModel",
        "Microsoft.ML.ModelSaveContext.SetVersionInfo",
        "Microsoft.ML.ModelSaveContext.SaveNonEmptyString",
        "Microsoft.ML.ModelSaveContext.Writer",
        "Microsoft.ML.ModelSaveContext.SaveBinaryStream",
        "Microsoft.ML.ModelLoadContext",
        "Microsoft.ML.ModelLoadContext.CheckAtModel",
        "Microsoft.ML.ModelLoadContext.LoadNonEmptyString",
        "Microsoft.ML.ModelLoadContext.Reader",
        "Microsoft.ML.ModelLoadContext.TryLoadBinaryStream",
        "Microsoft.ML.ModelLoadContext.Header",           // the format version a zip was written with (digests from 1.2)
        "Microsoft.ML.ModelHeader",
        "Microsoft.ML.ModelHeader.ModelVerWritten",
        // Persistence/MLNetInternals.cs: the MLContext behind a catalog, the cancellation flag, a schema-shape column.
        "Microsoft.ML.Data.CatalogUtils",
        "Microsoft.ML.Data.CatalogUtils.GetEnvironment",
        "Microsoft.ML.Data.IInternalCatalog",
        "Microsoft.ML.Runtime.ICancelable",
        "Microsoft.ML.Runtime.ICancelable.get_IsCanceled",
        "Microsoft.ML.SchemaShape+Column..ctor",
    ];

    private static readonly string[] PublicizedAssemblies = ["Microsoft.ML.Core", "Microsoft.ML.Data"];

    [Fact]
    public void IRanker_MLNet_uses_exactly_the_known_ML_NET_internals_and_each_still_exists()
    {
        var (internals, missing) = Scan(typeof(IRankerTransformer).Assembly.Location);

        missing.Should().BeEmpty("every ML.NET type and member IRanker.MLNet was compiled against must exist in the Microsoft.ML loaded at run time");
        internals.Should().BeEquivalentTo(KnownInternals, "the ML.NET internals in use are reviewed and listed (docs/mlnet.md)");
    }

    [Fact]
    public void The_assembly_asks_the_runtime_to_allow_its_calls_into_the_publicized_assemblies()
    {
        typeof(IRankerTransformer).Assembly.GetCustomAttributes()
            .Where(a => a.GetType().FullName == "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute")
            .Select(a => (string)a.GetType().GetProperty("AssemblyName")!.GetValue(a)!)
            .Should().BeEquivalentTo(PublicizedAssemblies);
    }

    private static (SortedSet<string> Internals, SortedSet<string> Missing) Scan(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        MetadataReader md = pe.GetMetadataReader();
        var internals = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new SortedSet<string>(StringComparer.Ordinal);

        Type? Resolve(TypeReferenceHandle handle)
        {
            var (assembly, name) = Name(md, handle);
            if (assembly is null || !PublicizedAssemblies.Contains(assembly)) return null;
            Type? type = Assembly.Load(assembly).GetType(name);
            if (type is null) missing.Add($"{assembly}: type {name}");
            else if (!type.IsVisible) internals.Add(name);
            return type;
        }

        foreach (TypeReferenceHandle handle in md.TypeReferences) Resolve(handle);

        foreach (MemberReferenceHandle handle in md.MemberReferences)
        {
            MemberReference member = md.GetMemberReference(handle);
            if (member.Parent.Kind != HandleKind.TypeReference) continue;
            Type? type = Resolve((TypeReferenceHandle)member.Parent);
            if (type is null) continue;
            string name = md.GetString(member.Name);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
            MemberInfo[] found = name == ".ctor" ? type.GetConstructors(all) : type.GetMember(name, all);
            if (found.Length == 0) missing.Add($"{type.FullName}.{name}");
            else if (!type.IsVisible || found.All(m => !IsPublic(m))) internals.Add($"{type.FullName}.{name}");
        }
        return (internals, missing);
    }

    private static bool IsPublic(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic,
        FieldInfo f => f.IsPublic,
        _ => true,
    };

    // The assembly and CLR name (Namespace.Outer+Inner) of a type reference.
    private static (string? Assembly, string Name) Name(MetadataReader md, TypeReferenceHandle handle)
    {
        TypeReference type = md.GetTypeReference(handle);
        string name = md.GetString(type.Name);
        switch (type.ResolutionScope.Kind)
        {
            case HandleKind.TypeReference:
                var (assembly, outer) = Name(md, (TypeReferenceHandle)type.ResolutionScope);
                return (assembly, $"{outer}+{name}");
            case HandleKind.AssemblyReference:
                string ns = md.GetString(type.Namespace);
                var reference = md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope);
                return (md.GetString(reference.Name), ns.Length == 0 ? name : $"{ns}.{name}");
            default:
                return (null, name);
        }
    }
}
