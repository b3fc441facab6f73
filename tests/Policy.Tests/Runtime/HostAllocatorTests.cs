using FluentAssertions;
using RlSpec.Policy.Runtime;
using Xunit;

namespace RlSpec.Policy.Tests.Runtime;

public sealed class HostAllocatorTests
{
    [Fact]
    public void On_linux_with_glibc_the_allocator_settings_take_effect_and_can_be_applied_again()
    {
        if (!OperatingSystem.IsLinux())
        {
            HostAllocator.KeepFreedMemory().Should().BeFalse();
            return;
        }

        // The project's machines run Debian (glibc): mallopt must be found and accept both settings, every time it is called.
        HostAllocator.KeepFreedMemory().Should().BeTrue();
        HostAllocator.KeepFreedMemory().Should().BeTrue();
    }
}
