// The route fuzz once more on PostgreSQL (npm run test:pg): the same cases, a real server's types and limits.
import './fuzz-routes.test.ts';
