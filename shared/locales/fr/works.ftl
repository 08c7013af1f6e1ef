# works
