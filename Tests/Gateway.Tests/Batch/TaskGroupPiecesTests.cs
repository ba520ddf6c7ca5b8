namespace OrleansGateway.Tests.Batch;

/// <summary>A task group too large for one call is whole once its last piece, sent in order, is here.</summary>
public sealed class TaskGroupPiecesTests
{
    private static BatchTask Task(int i) => new($"t{i}", []);

    private static TaskGrainSpec Piece(int offset, int count, int groupSize) =>
        new("job", "openai/gpt", 0, [.. Enumerable.Range(offset, count).Select(Task)]) { PieceOffset = offset, GroupTaskCount = groupSize };

    [Fact]
    public void TryComplete_WholeGroup_TrueWithoutAssembling()
    {
        var pieces = new TaskGroupPieces("job/0");

        Assert.True(pieces.TryComplete(new TaskGrainSpec("job", "openai/gpt", 0, [Task(0), Task(1)]), out var whole));

        Assert.Null(whole);
        Assert.Equal(0, pieces.Count);
    }

    [Fact]
    public void TryComplete_PiecesInOrder_WholeWithTheLast()
    {
        var pieces = new TaskGroupPieces("job/0");

        Assert.False(pieces.TryComplete(Piece(0, 2, 5), out _));
        Assert.False(pieces.TryComplete(Piece(2, 2, 5), out _));
        Assert.Equal(4, pieces.Count);
        Assert.True(pieces.TryComplete(Piece(4, 1, 5), out var whole));

        Assert.Equal(["t0", "t1", "t2", "t3", "t4"], whole!.Select(t => t.Id));
        Assert.Equal(0, pieces.Count);
    }

    [Fact]
    public void TryComplete_FirstPieceAgain_StartsOver()
    {
        var pieces = new TaskGroupPieces("job/0");
        pieces.TryComplete(Piece(0, 2, 4), out _);

        Assert.False(pieces.TryComplete(Piece(0, 2, 4), out _));
        Assert.True(pieces.TryComplete(Piece(2, 2, 4), out var whole));
        Assert.Equal(4, whole!.Count);
    }

    [Fact]
    public void TryComplete_PieceOutOfOrder_ThrowsNamingTheGroup()
    {
        var pieces = new TaskGroupPieces("job/0");
        pieces.TryComplete(Piece(0, 2, 6), out _);

        var error = Assert.Throws<InvalidOperationException>(() => pieces.TryComplete(Piece(4, 2, 6), out _));

        Assert.Equal("Task grain 'job/0' got the piece at 4 of its group while holding 2 tasks; the group must be sent again from its first piece.", error.Message);
    }

    [Fact]
    public void Clear_DropsThePieces_SoALaterPieceIsOutOfOrder()
    {
        var pieces = new TaskGroupPieces("job/0");
        pieces.TryComplete(Piece(0, 2, 4), out _);

        pieces.Clear();

        Assert.Equal(0, pieces.Count);
        Assert.Throws<InvalidOperationException>(() => pieces.TryComplete(Piece(2, 2, 4), out _));
    }
}
