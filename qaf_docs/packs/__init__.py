"""From an allocated audit to its pack: the Word audit tool and the Excel action tracker."""
