using System.Runtime.InteropServices;
using IRanker.Model.Runtime;

namespace IRanker.Model.Tests.Runtime;

public class NativeAllocatorTests
{
    // glibc's struct mallinfo2 (ten size_t fields); hblkhd is the bytes held in mmap'ed blocks.
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    private delegate MallInfo2 MallInfo2Function();

    private static bool IsGlibc(out IntPtr libc) =>
        NativeLibrary.TryLoad("libc.so.6", out libc) && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

    [Fact]
    public void On_glibc_the_runtime_tunes_malloc_so_that_a_large_block_comes_from_the_heap_instead_of_mmap()
    {
        if (!IsGlibc(out var libc)) return;   // nothing is tuned elsewhere; the next test checks the report says so
        TorchRuntime.EnsureInitialized().Allocator.Should().StartWith("glibc mallopt", "no MALLOC_* variable is set in the test run");
        var mallinfo2 = Marshal.GetDelegateForFunctionPointer<MallInfo2Function>(NativeLibrary.GetExport(libc, "mallinfo2"));

        // 48 MiB: above glibc's largest dynamic mmap threshold (32 MiB), below a thread arena's heap (64 MiB).
        nuint before = mallinfo2().Hblkhd;
        IntPtr block = Marshal.AllocHGlobal(48 << 20);
        nuint during = mallinfo2().Hblkhd;
        Marshal.FreeHGlobal(block);

        during.Should().Be(before, "with the default thresholds glibc would have served 48 MiB with mmap (and unmapped it on free)");
    }

    [Fact]
    public void The_opt_out_variable_and_the_users_own_malloc_variables_leave_the_allocator_alone()
    {
        if (!IsGlibc(out _))
        {
            NativeAllocator.Configure().Should().Contain("unchanged");
            return;
        }
        try
        {
            Environment.SetEnvironmentVariable(NativeAllocator.OptOutVariable, "0");
            NativeAllocator.Configure().Should().Be("IRANKER_MALLOC_TUNING=0: allocator unchanged");
            Environment.SetEnvironmentVariable(NativeAllocator.OptOutVariable, null);
            Environment.SetEnvironmentVariable("MALLOC_TOP_PAD_", "1048576");
            NativeAllocator.Configure().Should().Be("MALLOC_TOP_PAD_ is set: allocator left to the environment");
        }
        finally
        {
            Environment.SetEnvironmentVariable(NativeAllocator.OptOutVariable, null);
            Environment.SetEnvironmentVariable("MALLOC_TOP_PAD_", null);
        }
    }

    [Fact]
    public void The_report_gives_libtorchs_thread_counts()
    {
        var report = TorchRuntime.EnsureInitialized();
        // A snapshot at initialisation: other tests may change the count later (torch.set_num_threads).
        report.IntraOpThreads.Should().BeGreaterThan(0);
        report.InterOpThreads.Should().BeGreaterThan(0);
    }
}
