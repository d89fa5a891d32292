using IRanker.Model.Runtime;

namespace IRanker.Model.Tests.Runtime;

public class GlibcxxCompatibilityTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("iranker-elf-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A fresh, unpatched copy of TorchSharp's native library as the package ships it.</summary>
    private string CopyOfShippedLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string shipped = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.Exists(shipped).Should().BeTrue($"the restored TorchSharp package should hold {shipped}");
        string copy = Path.Combine(folder, "libLibTorchSharp.so");
        File.Copy(shipped, copy);
        return copy;
    }

    private static HashSet<string> GlibcxxUpTo(int lastMinor) =>
        Enumerable.Range(0, lastMinor + 1).Select(i => i == 0 ? "GLIBCXX_3.4" : $"GLIBCXX_3.4.{i}").ToHashSet();

    [Fact]
    public void The_shipped_library_requires_glibcxx_3_4_32_strongly()
    {
        var requirements = ElfVersionPatcher.ReadRequirements(File.ReadAllBytes(CopyOfShippedLibrary()));
        requirements.Should().ContainSingle(r => r.File == "libstdc++.so.6" && r.Version == "GLIBCXX_3.4.32")
            .Which.IsWeak.Should().BeFalse();
    }

    [Fact]
    public void On_a_host_without_the_version_only_that_requirement_is_marked_weak()
    {
        string lib = CopyOfShippedLibrary();
        byte[] before = File.ReadAllBytes(lib);

        var weakened = GlibcxxCompatibility.PatchIfNeeded(lib, GlibcxxUpTo(30)); // Debian 12, Ubuntu 22.04

        weakened.Should().Equal("GLIBCXX_3.4.32");
        byte[] after = File.ReadAllBytes(lib);
        after.Length.Should().Be(before.Length);
        Enumerable.Range(0, before.Length).Count(i => before[i] != after[i]).Should().Be(1, "one flags field changes");
        var reqs = ElfVersionPatcher.ReadRequirements(after);
        reqs.Single(r => r.Version == "GLIBCXX_3.4.32").IsWeak.Should().BeTrue();
        reqs.Where(r => r.Version != "GLIBCXX_3.4.32").Should().OnlyContain(r => !r.IsWeak);
        Directory.GetFiles(folder).Should().ContainSingle("the temp file was renamed over the library");
    }

    [Fact]
    public void On_a_host_with_the_version_nothing_changes()
    {
        string lib = CopyOfShippedLibrary();
        byte[] before = File.ReadAllBytes(lib);
        DateTime stamp = File.GetLastWriteTimeUtc(lib);

        GlibcxxCompatibility.PatchIfNeeded(lib, GlibcxxUpTo(33)).Should().BeEmpty(); // GCC 14 era

        File.ReadAllBytes(lib).Should().Equal(before);
        File.GetLastWriteTimeUtc(lib).Should().Be(stamp);
    }

    [Fact]
    public void Patching_twice_is_a_no_op_the_second_time()
    {
        string lib = CopyOfShippedLibrary();
        GlibcxxCompatibility.PatchIfNeeded(lib, GlibcxxUpTo(30)).Should().NotBeEmpty();
        GlibcxxCompatibility.PatchIfNeeded(lib, GlibcxxUpTo(30)).Should().BeEmpty();
    }

    [Fact]
    public void The_host_libstdcxx_defines_its_glibcxx_versions()
    {
        string? host = HostLibStdCxx.Find();
        host.Should().NotBeNull("a Linux host running .NET has libstdc++");
        var defined = ElfVersionPatcher.ReadDefinitions(File.ReadAllBytes(host!));
        defined.Should().Contain("GLIBCXX_3.4").And.Contain("GLIBCXX_3.4.21");
    }

    [Fact]
    public void The_library_the_tests_load_works_on_this_host()
    {
        // Whatever this host's libstdc++ is, after EnsureInitialized the copy beside TorchSharp.dll
        // requires nothing the host lacks, except as weak requirements.
        TorchRuntime.EnsureInitialized();
        var defined = ElfVersionPatcher.ReadDefinitions(File.ReadAllBytes(HostLibStdCxx.Find()!));
        string loaded = Path.Combine(Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location)!, "libLibTorchSharp.so");
        ElfVersionPatcher.ReadRequirements(File.ReadAllBytes(loaded))
            .Where(r => r.File == "libstdc++.so.6" && !defined.Contains(r.Version))
            .Should().OnlyContain(r => r.IsWeak);
    }

    [Fact]
    public void A_file_that_is_not_elf_is_rejected()
    {
        var act = () => ElfVersionPatcher.ReadRequirements(new byte[128]);
        act.Should().Throw<InvalidDataException>().WithMessage("*ELF*");
    }
}
