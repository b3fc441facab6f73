using FluentAssertions;
using RlSpec.Drafter.Alignment;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Tests.Alignment;

public sealed class SupervisionBufferTests
{
    private static SupervisionRecord Record(long version, int rows) =>
        new(version, new int[rows + 1], 0, zeros(rows, 4), new TeacherDistribution(zeros(rows, 3), null));

    [Fact]
    public void Holds_at_most_its_capacity_in_rows_by_evicting_the_oldest_records()
    {
        using var buffer = new SupervisionBuffer(capacityRows: 25);
        var first = Record(0, 10);
        buffer.Add(first);
        buffer.Add(Record(1, 10));
        buffer.Add(Record(2, 10));

        buffer.Rows.Should().Be(20);
        buffer.Count.Should().Be(2);
        buffer.LatestVersion.Should().Be(2);
        first.Features.IsInvalid.Should().BeTrue("an evicted record's tensors are freed");
    }

    [Fact]
    public void Sampling_skips_records_older_than_the_minimum_version_and_empty_records_are_dropped()
    {
        using var buffer = new SupervisionBuffer(capacityRows: 100);
        buffer.Add(Record(0, 5));
        buffer.Add(Record(3, 5));
        buffer.Add(Record(4, 0));

        buffer.Count.Should().Be(2);
        buffer.Sample(new Random(1), 20, minVersion: 2).Should().OnlyContain(r => r.PolicyVersion == 3).And.HaveCount(20);
        buffer.Sample(new Random(1), 5, minVersion: 9).Should().BeEmpty();
    }

    [Fact]
    public void A_top_k_teacher_covering_the_whole_vocabulary_gives_the_same_kl_as_the_full_one()
    {
        using var g = new Generator(3);
        var logits = randn([6, 9], generator: g);
        var student = randn([6, 9], generator: g).log_softmax(-1);
        var mask = ones(6);
        var full = TeacherDistribution.From(logits, topK: 0);
        var top = TeacherDistribution.From(logits, topK: 8);
        var allButNothing = new TeacherDistribution(logits.log_softmax(-1).topk(9).values, logits.log_softmax(-1).topk(9).indexes);

        full.Indices.Should().BeNull();
        top.Indices!.shape.Should().Equal(6, 8);
        allButNothing.KlTo(student, mask).item<float>().Should().BeApproximately(full.KlTo(student, mask).item<float>(), 1e-5f);
        top.KlTo(student, mask).item<float>().Should().BeGreaterThan(0);
    }
}
