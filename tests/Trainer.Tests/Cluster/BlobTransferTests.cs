using FluentAssertions;
using RlSpec.Trainer.Cluster;
using Xunit;

namespace RlSpec.Trainer.Tests.Cluster;

public sealed class BlobTransferTests
{
    private static byte[] Bytes(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251)).ToArray();

    private static BlobDownload Fetch(BlobStore store, string key, bool reverse = false)
    {
        var download = new BlobDownload(store.Manifest(key)!, window: 3);
        var requests = new List<int>();
        while (!download.Complete)
        {
            var next = download.NextRequests();
            next.Should().HaveCountLessThanOrEqualTo(3, "never more than the window in flight");
            foreach (var i in reverse ? next.Reverse() : next)
            {
                download.Accept(store.Chunk(key, i)!);
                download.Accept(store.Chunk(key, i)!); // a repeated chunk changes nothing
                requests.Add(i);
            }
        }

        requests.Should().OnlyHaveUniqueItems();
        return download;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(1000)]
    public void A_blob_cut_into_chunks_arrives_whole_in_any_order(int length)
    {
        var store = new BlobStore(keepWeights: 2, chunkBytes: 10);
        store.Add("setup", Bytes(length));

        Fetch(store, "setup", reverse: true).Verified().Should().Equal(Bytes(length));
        store.Manifest("setup")!.Chunks.Should().Be(Math.Max(1, (length + 9) / 10));
    }

    [Fact]
    public void A_corrupted_blob_fails_its_checksum_instead_of_reaching_a_replica()
    {
        var store = new BlobStore(keepWeights: 2, chunkBytes: 16);
        store.Add("weights-v1", Bytes(100));
        var manifest = store.Manifest("weights-v1")!;
        var download = new BlobDownload(manifest);
        foreach (var i in Enumerable.Range(0, manifest.Chunks))
        {
            var chunk = store.Chunk("weights-v1", i)!;
            download.Accept(i == 3 ? chunk with { Data = chunk.Data.Select(b => (byte)(b ^ 1)).ToArray() } : chunk);
        }

        download.Invoking(d => d.Verified()).Should().Throw<InvalidDataException>().WithMessage("*weights-v1*SHA-256*");
        download.Invoking(d => d.Accept(new BlobChunk("weights-v1", 0, [1, 2]))).Should().NotThrow("a repeated chunk is ignored, whatever it holds");
        new BlobDownload(manifest).Invoking(d => d.Accept(new BlobChunk("weights-v1", 0, [1, 2]))).Should().Throw<InvalidDataException>().WithMessage("*2 bytes*16*");
    }

    [Fact]
    public void Only_the_newest_weights_versions_are_kept_and_a_pruned_one_is_reported_missing()
    {
        var store = new BlobStore(keepWeights: 2, chunkBytes: 16);
        store.Add(BlobStore.SetupKey, Bytes(5));
        foreach (var v in new long[] { 0, 1, 2 })
        {
            store.AddWeights(v, Bytes(20 + (int)v));
        }

        store.LatestWeights.Should().Be(2);
        store.Manifest(BlobStore.WeightsKey(0)).Should().BeNull();
        store.Chunk(BlobStore.WeightsKey(0), 0).Should().BeNull();
        store.Manifest(BlobStore.WeightsKey(1))!.Length.Should().Be(21);
        store.Manifest(BlobStore.SetupKey).Should().NotBeNull("the setup is not a weights version");
        store.Chunk(BlobStore.WeightsKey(2), 5).Should().BeNull();
        BlobStore.WeightsVersion(BlobStore.WeightsKey(12)).Should().Be(12);
    }
}
