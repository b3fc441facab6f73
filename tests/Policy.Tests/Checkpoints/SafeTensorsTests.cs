using System.Buffers.Binary;
using System.Text;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Checkpoints;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-st-").FullName;

    [Fact]
    public void Written_tensors_read_back_bit_exact_with_metadata()
    {
        var path = Path.Combine(_dir, "a.safetensors");
        var tensors = new Dictionary<string, Tensor> { ["x"] = randn(3, 4), ["y.z"] = tensor(new[] { float.Epsilon, -0f, float.MaxValue }) };
        SafeTensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });

        var read = SafeTensorsReader.Read(path);
        read.Keys.Should().BeEquivalentTo(tensors.Keys);
        read.Should().OnlyContain(kv => BitExact.Same(kv.Value, tensors[kv.Key]));
        SafeTensorsReader.ReadMetadata(path).Should().ContainKey("format").WhoseValue.Should().Be("pt");
    }

    [Fact]
    public void Bf16_and_f16_tensors_widen_exactly_to_float32()
    {
        float[] values = [1.5f, -2.25f, 0.0078125f];
        var bf16 = values.SelectMany(v => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(v) >>> 16))).ToArray();
        var f16 = values.SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
        var path = Write("mixed.safetensors",
            "{\"a\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[6,12]}}",
            [.. bf16, .. f16]);

        var read = SafeTensorsReader.Read(path);
        read["a"].data<float>().ToArray().Should().Equal(values);
        read["b"].data<float>().ToArray().Should().Equal(values);
    }

    [Fact]
    public void A_truncated_file_names_the_tensor_that_runs_past_the_end()
    {
        var path = Path.Combine(_dir, "t.safetensors");
        SafeTensorsWriter.Write(path, new Dictionary<string, Tensor> { ["first"] = randn(4), ["second"] = randn(4) });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);

        var act = () => SafeTensorsReader.Read(path);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*'second'*truncated*");
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "*'w'*needs 12 bytes*")]
    [InlineData("{\"w\":{\"dtype\":\"I8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4, "*'w'*dtype 'I8'*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "*'w'*starts at byte 4*")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "*'w'*data_offsets*")]
    [InlineData("not json", 4, "*not valid JSON*")]
    public void Inconsistent_headers_fail_naming_file_and_tensor(string header, int dataBytes, string message)
    {
        var path = Write("bad.safetensors", header, new byte[dataBytes]);
        var act = () => SafeTensorsReader.Read(path);
        act.Should().Throw<CheckpointFormatException>().WithMessage(message).WithMessage($"*{path}*");
    }

    [Fact]
    public void An_absurd_header_length_is_refused_before_allocating()
    {
        var path = Path.Combine(_dir, "huge.safetensors");
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, long.MaxValue);
        File.WriteAllBytes(path, bytes);
        var act = () => SafeTensorsReader.Read(path);
        act.Should().Throw<CheckpointFormatException>().WithMessage("*header length*");
    }

    private string Write(string name, string header, byte[] data)
    {
        var path = Path.Combine(_dir, name);
        var json = Encoding.UTF8.GetBytes(header);
        var prefix = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(prefix, json.Length);
        File.WriteAllBytes(path, [.. prefix, .. json, .. data]);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
